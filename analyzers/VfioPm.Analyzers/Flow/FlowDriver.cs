using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The common wiring of the flow-based analyzers: skip a compilation that has none of the annotations, skip a method
/// that calls nothing annotated (and declares no contract), otherwise run the dataflow on its graph and on the graphs of
/// its local functions and lambdas, each on its own.
/// </summary>
internal static class FlowDriver
{
    // The default gate's answer per body root: five analyzers ask it about the same body.
    private static readonly ConditionalWeakTable<IOperation, object> MentionsByRoot = new();
    private static readonly object Yes = true;
    private static readonly object No = false;

    /// <summary>Registers <paramref name="onGraph"/> for every method body worth analysing. The caller configures generated-code analysis and concurrency.</summary>
    public static void Register(
        AnalysisContext context,
        Action<OperationBlockAnalysisContext, ContractReader, ControlFlowGraph, IMethodSymbol?> onGraph,
        Func<IOperation, IMethodSymbol, ContractReader, bool>? worthAnalysing = null)
    {
        worthAnalysing ??= Mentions;
        context.RegisterCompilationStartAction(start =>
        {
            if (!ReferencesAnnotations(start.Compilation))
            {
                return;
            }

            var contracts = ContractReader.For(start.Compilation);
            start.RegisterOperationBlockAction(block =>
            {
                if (block.OwningSymbol is not IMethodSymbol method)
                {
                    return;
                }

                foreach (var root in block.OperationBlocks)
                {
                    if (root is not (IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation) || !worthAnalysing(root, method, contracts))
                    {
                        continue;
                    }

                    ControlFlowGraph? graph;
                    try
                    {
                        graph = block.GetControlFlowGraph(root);
                    }
                    catch (ArgumentException)
                    {
                        continue; // broken syntax: no graph
                    }

                    Visit(block, contracts, graph, method, onGraph);
                }
            });
        });
    }

    private static void Visit(OperationBlockAnalysisContext block, ContractReader contracts, ControlFlowGraph graph, IMethodSymbol? method, Action<OperationBlockAnalysisContext, ContractReader, ControlFlowGraph, IMethodSymbol?> onGraph)
    {
        onGraph(block, contracts, graph, method);
        foreach (var local in graph.LocalFunctions)
        {
            Visit(block, contracts, graph.GetLocalFunctionControlFlowGraph(local, block.CancellationToken), local, onGraph);
        }

        foreach (var basic in graph.Blocks)
        {
            foreach (var op in basic.Operations)
            {
                foreach (var nested in ResourceKeys.Walk(op))
                {
                    if (nested is IFlowAnonymousFunctionOperation lambda)
                    {
                        Visit(block, contracts, graph.GetAnonymousFunctionControlFlowGraph(lambda, block.CancellationToken), lambda.Symbol, onGraph);
                    }
                }
            }
        }
    }

    /// <summary>True when the compilation can see any VfioPm annotation (its own copy or the runtime's).</summary>
    public static bool ReferencesAnnotations(Compilation compilation) =>
        compilation.GetTypeByMetadataName(AttributeNames.Namespace + "." + AttributeNames.AcquiresPmReference) is not null
        || compilation.GetTypeByMetadataName(AttributeNames.Namespace + "." + AttributeNames.AcquiresMemoryLock) is not null
        || compilation.GetTypeByMetadataName(AttributeNames.Namespace + "." + AttributeNames.DeviceAccess) is not null;

    /// <summary>
    /// The default gate before building a graph: the method has a contract, calls something that has one, or writes a
    /// member that owns a reference. Answered
    /// once per body root and remembered.
    /// </summary>
    public static bool Mentions(IOperation root, IMethodSymbol method, ContractReader contracts)
    {
        if (MentionsByRoot.TryGetValue(root, out var known))
        {
            return (bool)known;
        }

        var answer = ComputeMentions(root, method, contracts);
        return (bool)MentionsByRoot.GetValue(root, _ => answer ? Yes : No);
    }

    private static bool ComputeMentions(IOperation root, IMethodSymbol method, ContractReader contracts)
    {
        if (!contracts.For(method).IsEmpty)
        {
            return true;
        }

        foreach (var op in ResourceKeys.Walk(root))
        {
            if (op is IInvocationOperation invocation && !contracts.For(invocation.TargetMethod).IsEmpty)
            {
                return true;
            }

            if (op is ILocalFunctionOperation { Symbol: { } local } && !contracts.For(local).IsEmpty)
            {
                return true;
            }

            // A write of an owning member moves a reference even in a body that calls nothing annotated (a flag set
            // without its put, a count stepped without its get).
            if (op is ISimpleAssignmentOperation or IIncrementOrDecrementOperation or ICompoundAssignmentOperation or IInvocationOperation
                && (ContractForms.OwnershipWriteOf(op) is not null || ContractForms.OwnershipStepOf(op) is not null || ContractForms.CountedStepOf(op) is not null
                    || ContractForms.CountedExchangeOf(op) is not null))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The additional locations of a finding (its acquisition site, when known).</summary>
    public static IEnumerable<Location> Related(FlowFinding finding) =>
        finding.Related is { } related ? new[] { related } : Array.Empty<Location>();
}
