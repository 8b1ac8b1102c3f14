using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// One dataflow per control-flow graph, shared by every flow-based rule. The analyzer driver hands all analyzers the
/// same <see cref="ControlFlowGraph"/> for a body, so the first rule to ask runs <see cref="ResourceFlowAnalysis"/> once,
/// recording every point its observer would have seen; the other rules read the findings and replay the recorded
/// points through their own observers, in the same order, with the same states. Each rule used to solve the same graph
/// again (six times per body), which was most of the analyzers' cost.
/// </summary>
internal static class SharedFlow
{
    private static readonly ConditionalWeakTable<ControlFlowGraph, FlowRecord> Solved = new();

    /// <summary>The solved dataflow of <paramref name="graph"/> (the body of <paramref name="method"/>), computed on first use.</summary>
    public static FlowRecord Get(ControlFlowGraph graph, IMethodSymbol? method, ContractReader contracts, CancellationToken cancellation)
    {
        if (Solved.TryGetValue(graph, out var done))
        {
            return done;
        }

        // Solved outside the table's lock: a cancelled solve caches nothing, and two racing solves agree anyway.
        var points = new List<FlowPoint>();
        var analysis = ResourceFlowAnalysis.Run(
            graph,
            method,
            contracts,
            (_, op, states) =>
            {
                if (CanMatter(op, contracts))
                {
                    points.Add(new FlowPoint(op, states.ToArray()));
                }
            },
            cancellation);
        var record = new FlowRecord(analysis, points);
        return Solved.GetValue(graph, _ => record);
    }

    // The points a rule can act on: calls with a contract (device access, required/excluded locks and references) and
    // [GuardedBy] members. Every other point is ignored by every observer, so it is not recorded.
    private static bool CanMatter(IOperation op, ContractReader contracts) => op switch
    {
        IInvocationOperation invocation => !contracts.For(invocation.TargetMethod).IsEmpty,
        IFieldReferenceOperation field => ContractReader.GuardOf(field.Field) is not null,
        IPropertyReferenceOperation property => ContractReader.GuardOf(property.Property) is not null,
        _ => false,
    };
}

/// <summary>A point the dataflow's observer saw: a call or member reference, with every path state reaching it then.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="States">A snapshot of the states.</param>
internal readonly record struct FlowPoint(IOperation Operation, IReadOnlyCollection<PathState> States);

/// <summary>A solved graph: the analysis (findings and key helpers) and the observer points a rule can act on, in the order they were seen.</summary>
internal sealed class FlowRecord
{
    private readonly IReadOnlyList<FlowPoint> _points;

    /// <summary>Wraps a finished analysis and its points.</summary>
    public FlowRecord(ResourceFlowAnalysis analysis, IReadOnlyList<FlowPoint> points)
    {
        Analysis = analysis;
        _points = points;
    }

    /// <summary>The solved analysis.</summary>
    public ResourceFlowAnalysis Analysis { get; }

    /// <summary>Feeds every recorded point to <paramref name="observer"/>, as <see cref="ResourceFlowAnalysis.Run"/> would have.</summary>
    public void Replay(Action<ResourceFlowAnalysis, IOperation, IReadOnlyCollection<PathState>> observer)
    {
        foreach (var point in _points)
        {
            observer(Analysis, point.Operation, point.States);
        }
    }
}
