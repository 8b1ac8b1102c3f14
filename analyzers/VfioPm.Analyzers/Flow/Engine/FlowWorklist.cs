using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// A forward worklist over one control-flow graph (the solver of roslyn-analyzers' DataFlow framework, cut down):
/// blocks are taken lowest ordinal first, so a loop body settles before what follows it; finally regions are run inline
/// on every branch that leaves their try; an exception anywhere in a try reaches its catch handlers with any state seen
/// in the try. Bounded: at most <see cref="MaxBlockVisits"/> block visits per graph and per finally region, after which
/// the states found so far stand (exits already checked keep their verdicts; no exit is invented).
/// </summary>
/// <typeparam name="TState">One path's state.</typeparam>
internal sealed class FlowWorklist<TState>
{
    /// <summary>Block visits per graph (and per inline region) before the solver stops.</summary>
    public const int MaxBlockVisits = 2000;

    private readonly ControlFlowGraph _cfg;
    private readonly IFlowTransfer<TState> _transfer;
    private readonly CancellationToken _cancellation;

    public FlowWorklist(ControlFlowGraph cfg, IFlowTransfer<TState> transfer, CancellationToken cancellation)
    {
        _cfg = cfg;
        _transfer = transfer;
        _cancellation = cancellation;
    }

    /// <summary>Runs to a fixed point (or the bound) from the entry block.</summary>
    public void Solve()
    {
        var blocks = _cfg.Blocks;
        var inStates = new HashSet<TState>?[blocks.Length]; // indexed by block ordinal
        inStates[0] = new HashSet<TState> { _transfer.Initial };
        var work = new SortedSet<int> { 0 };
        var visits = 0;
        while (work.Count > 0 && visits++ < MaxBlockVisits)
        {
            _cancellation.ThrowIfCancellationRequested();
            var ordinal = work.Min;
            work.Remove(ordinal);
            var block = blocks[ordinal];
            if (block.Kind == BasicBlockKind.Exit)
            {
                continue;
            }

            foreach (var entry in CatchEntries(block))
            {
                if (_transfer.Merge(inStates, entry, inStates[ordinal]!))
                {
                    work.Add(entry);
                }
            }

            foreach (var (branch, states) in _transfer.Transfer(block, inStates[ordinal]!))
            {
                foreach (var (destination, arriving) in Follow(block, branch, states))
                {
                    if (_transfer.Merge(inStates, destination, arriving))
                    {
                        work.Add(destination);
                    }
                }
            }
        }
    }

    // Follows a branch: finally regions on the way, exits handed to the transfer, destinations returned.
    private IEnumerable<(int Destination, IReadOnlyCollection<TState> States)> Follow(BasicBlock source, ControlFlowBranch branch, IReadOnlyCollection<TState> states)
    {
        if (states.Count == 0)
        {
            yield break;
        }

        var current = states;
        foreach (var finallyRegion in branch.FinallyRegions)
        {
            current = RunRegion(finallyRegion, current);
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Throw:
            case ControlFlowBranchSemantics.Rethrow:
                if (!IsInsideTryWithCatch(source))
                {
                    foreach (var region in EnclosingFinallyRegions(source))
                    {
                        current = RunRegion(region, current);
                    }

                    _transfer.OnExit(current, source, branch, null);
                }

                yield break;
            case ControlFlowBranchSemantics.Error:
            case ControlFlowBranchSemantics.ProgramTermination:
            case ControlFlowBranchSemantics.StructuredExceptionHandling:
                yield break;
        }

        if (branch.Destination is not { } destination)
        {
            yield break;
        }

        if (destination.Kind == BasicBlockKind.Exit)
        {
            _transfer.OnExit(current, source, branch, branch.Semantics == ControlFlowBranchSemantics.Return ? source.BranchValue : null);
            yield break;
        }

        yield return (destination.Ordinal, current);
    }

    // Runs a finally (or other inline) region from its first block to its end, returning the states that leave it.
    private IReadOnlyCollection<TState> RunRegion(ControlFlowRegion region, IReadOnlyCollection<TState> entry)
    {
        var inStates = new HashSet<TState>?[_cfg.Blocks.Length];
        inStates[region.FirstBlockOrdinal] = new HashSet<TState>(entry);
        var work = new SortedSet<int> { region.FirstBlockOrdinal };
        var leaving = new HashSet<TState>();
        var visits = 0;
        while (work.Count > 0 && visits++ < MaxBlockVisits)
        {
            var ordinal = work.Min;
            work.Remove(ordinal);
            var block = _cfg.Blocks[ordinal];
            foreach (var (branch, states) in _transfer.Transfer(block, inStates[ordinal]!))
            {
                var current = states;
                foreach (var nested in branch.FinallyRegions)
                {
                    current = RunRegion(nested, current);
                }

                if (branch.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling || branch.Destination is null
                    || branch.Destination.Ordinal < region.FirstBlockOrdinal || branch.Destination.Ordinal > region.LastBlockOrdinal)
                {
                    leaving.UnionWith(current);
                    continue;
                }

                if (_transfer.Merge(inStates, branch.Destination.Ordinal, current))
                {
                    work.Add(branch.Destination.Ordinal);
                }
            }
        }

        return leaving;
    }

    private static bool IsInsideTryWithCatch(BasicBlock block)
    {
        for (var r = block.EnclosingRegion; r is not null; r = r.EnclosingRegion)
        {
            if (r.Kind == ControlFlowRegionKind.Try && r.EnclosingRegion?.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<ControlFlowRegion> EnclosingFinallyRegions(BasicBlock block)
    {
        for (var r = block.EnclosingRegion; r is not null; r = r.EnclosingRegion)
        {
            if (r.Kind == ControlFlowRegionKind.Try && r.EnclosingRegion?.Kind == ControlFlowRegionKind.TryAndFinally)
            {
                var fin = r.EnclosingRegion.NestedRegions.FirstOrDefault(n => n.Kind == ControlFlowRegionKind.Finally);
                if (fin is not null)
                {
                    yield return fin;
                }
            }
        }
    }

    // An exception anywhere in a try may reach its catch handlers: they start from any state seen in the try.
    private static IEnumerable<int> CatchEntries(BasicBlock block)
    {
        for (var r = block.EnclosingRegion; r is not null; r = r.EnclosingRegion)
        {
            if (r.Kind == ControlFlowRegionKind.Try && r.EnclosingRegion?.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                foreach (var handler in r.EnclosingRegion.NestedRegions)
                {
                    if (handler.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler)
                    {
                        yield return handler.FirstBlockOrdinal;
                    }
                }

                yield break;
            }
        }
    }
}
