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
    private static readonly ConditionalWeakTable<ControlFlowGraph, FlowResult> Solved = new();

    /// <summary>The solved dataflow of <paramref name="graph"/> (the body of <paramref name="method"/>), computed on first use.</summary>
    public static FlowResult Get(ControlFlowGraph graph, IMethodSymbol? method, ContractReader contracts, CancellationToken cancellation)
    {
        if (Solved.TryGetValue(graph, out var done))
        {
            return done;
        }

        // Solved outside the table's lock: a cancelled solve caches nothing, and two racing solves agree anyway.
        var result = ResourceFlowAnalysis.Run(graph, method, contracts, op => CanMatter(op, contracts), cancellation);
        return Solved.GetValue(graph, _ => result);
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

