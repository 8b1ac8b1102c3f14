using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// A path-sensitive dataflow over one control-flow graph: runtime-PM reference counts and memory_lock holds per
/// resource path, with what is known about values (acquire results, locals, parameters, stable members), so
/// "if (pm.ResumeAndGet() &lt; 0) return" has no reference on the failing branch. Intra-procedural: calls are
/// summarized by their contracts only.
/// </summary>
/// <remarks>
/// The parts, as in roslyn-analyzers' DataFlow framework: <see cref="FlowWorklist{TState}"/> (the solver),
/// <see cref="PathState"/> and <see cref="PathSetDomain"/> (the domain, its join and bounds),
/// <see cref="OperationVisitor"/> and <see cref="ContractEffects"/> (what operations do),
/// <see cref="ConditionRefiner"/> (what branches tell), <see cref="ExitChecker"/> (what must hold where a path leaves),
/// and <see cref="FlowResult"/> (what the rules read). This class is the transfer function that joins them.
/// </remarks>
internal sealed class ResourceFlowAnalysis : IFlowTransfer<PathState>
{
    // Merges that changed a block before its value facts are widened: enough for "if (r < 0) goto" chains to stay
    // exact, few enough that a counting loop settles in a handful of visits.
    private const int WidenAfter = 3;

    private readonly FlowBody _body;
    private int[]? _merges;
    private readonly OperationVisitor _visitor;
    private readonly ConditionRefiner _refiner;
    private readonly ExitChecker _exits;

    private ResourceFlowAnalysis(FlowBody body, FindingSink sink, Action<IOperation, IReadOnlyCollection<PathState>>? observer)
    {
        _body = body;
        var subjects = new ValueSubjects(body);
        _refiner = new ConditionRefiner(subjects, body);
        _visitor = new OperationVisitor(body, new ContractEffects(body, sink), _refiner, subjects, observer);
        _exits = new ExitChecker(body, sink, subjects);
    }

    /// <summary>
    /// Solves <paramref name="cfg"/>. <paramref name="isPoint"/> selects the calls and member references whose states
    /// the result records for the rules' observers.
    /// </summary>
    public static FlowResult Run(ControlFlowGraph cfg, IMethodSymbol? method, ContractReader contracts, Func<IOperation, bool> isPoint, CancellationToken cancellation)
    {
        var body = new FlowBody(cfg, method, contracts);
        var sink = new FindingSink(body);
        var points = ImmutableArray.CreateBuilder<FlowPoint>();
        var analysis = new ResourceFlowAnalysis(body, sink, (op, states) =>
        {
            if (isPoint(op))
            {
                points.Add(new FlowPoint(op, ToArray(states)));
            }
        });
        new FlowWorklist<PathState>(cfg, analysis, cancellation).Solve();
        body.Seal();
        return new FlowResult(body, sink.ToImmutable(), points.ToImmutable());
    }

    private static PathState[] ToArray(IReadOnlyCollection<PathState> states)
    {
        var array = new PathState[states.Count];
        var i = 0;
        foreach (var s in states)
        {
            array[i++] = s;
        }

        return array;
    }

    /// <inheritdoc/>
    public PathState Initial
    {
        get
        {
            var self = _body.Self;
            var state = ContractForms.SeedFacts(_body, PathState.Empty);
            var origin = _body.Cfg.OriginalOperation;
            if (self.ReleasesPm && _body.SelfPmKey is { } elements && ElementEffects.IsElementKey(elements))
            {
                state = state.WithElements(elements, ElementHold.All(origin, isLock: false)); // the caller's, one per element
            }
            else if (self.ReleasesPm)
            {
                state = state.WithPm(_body.SelfPmKey ?? ResourceKey.ContractCredit, 1);
            }

            if (_body.SelfLockKey is { } elementLocks && ElementEffects.IsElementKey(elementLocks))
            {
                if (self.ReleasesLock || self.RequiresLock != LockMode.None)
                {
                    state = state.WithElements(elementLocks, ElementHold.All(origin, isLock: true));
                }
            }
            else if (_body.SelfLockKey is { } lockKey)
            {
                if (self.ReleasesLock)
                {
                    state = state.WithLock(lockKey, LockMode.Exclusive);
                }
                else if (self.RequiresLock != LockMode.None)
                {
                    state = state.WithLock(lockKey, self.RequiresLock);
                }
            }

            return state;
        }
    }

    /// <inheritdoc/>
    public bool Merge(HashSet<PathState>?[] inStates, int ordinal, IEnumerable<PathState> arriving)
    {
        if (_body.LiveSubjects is { } live && live[ordinal] is { } liveHere)
        {
            arriving = arriving.Select(s => s.WithoutDeadFacts(_body.TrackedSubjects, liveHere, _body.IndexSubjects));
        }

        // Widen at a block that keeps changing (a loop head): after WidenAfter merges that grew it.
        _merges ??= new int[inStates.Length];
        var changed = PathSetDomain.Merge(inStates, ordinal, arriving, widen: _merges[ordinal] >= WidenAfter);
        if (changed)
        {
            _merges[ordinal]++;
        }

        return changed;
    }

    /// <inheritdoc/>
    public void OnExit(IReadOnlyCollection<PathState> states, BasicBlock source, ControlFlowBranch branch, IOperation? returned) =>
        _exits.Check(states, source, branch, returned);

    /// <inheritdoc/>
    public IReadOnlyList<(ControlFlowBranch Branch, IReadOnlyCollection<PathState> States)> Transfer(BasicBlock block, IReadOnlyCollection<PathState> states)
    {
        var current = states;
        foreach (var op in block.Operations)
        {
            current = _visitor.Apply(op, current);
        }

        if (block.BranchValue is { } branchValue)
        {
            current = _visitor.Apply(branchValue, current);
        }

        var result = new List<(ControlFlowBranch, IReadOnlyCollection<PathState>)>(2);
        if (block.ConditionKind == ControlFlowConditionKind.None || block.BranchValue is null)
        {
            if (block.FallThroughSuccessor is { } only)
            {
                result.Add((only, ThroughGoto(block, only, current)));
            }

            return result;
        }

        var whenTrue = new List<PathState>();
        var whenFalse = new List<PathState>();
        foreach (var s in current)
        {
            var (t, f) = _refiner.Refine(s, block.BranchValue);
            if (t is not null)
            {
                whenTrue.Add(t);
            }

            if (f is not null)
            {
                whenFalse.Add(f);
            }
        }

        var conditionalTaken = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenTrue : whenFalse;
        var fallThrough = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenFalse : whenTrue;
        if (block.ConditionalSuccessor is { } conditional)
        {
            result.Add((conditional, ThroughGoto(block, conditional, conditionalTaken)));
        }

        if (block.FallThroughSuccessor is { } fall)
        {
            result.Add((fall, ThroughGoto(block, fall, fallThrough)));
        }

        return result;
    }

    /// <summary>
    /// States leaving <paramref name="source"/> by a goto (<see cref="FlowBody.GotoOf"/>) remember it on what they hold.
    /// The same state object taking the same goto again (each round of the worklist) gets the same tagged object back, so
    /// the label's set still finds it by reference and its cached hash.
    /// </summary>
    private IReadOnlyCollection<PathState> ThroughGoto(BasicBlock source, ControlFlowBranch branch, IReadOnlyCollection<PathState> states)
    {
        if (states.Count == 0 || _body.GotoOf(source, branch) is not { } jump)
        {
            return states;
        }

        if (!_throughGoto.TryGetValue(jump, out var tagged))
        {
            _throughGoto[jump] = tagged = new Dictionary<PathState, PathState>(ReferenceComparer.Instance);
        }

        return OperationVisitor.Map(states, s =>
        {
            if (s.Origins.IsEmpty)
            {
                return s;
            }

            if (!tagged.TryGetValue(s, out var t))
            {
                tagged[s] = t = s.WithOriginsVia(jump);
            }

            return t;
        });
    }

    private readonly Dictionary<SyntaxNode, Dictionary<PathState, PathState>> _throughGoto = new();

    private sealed class ReferenceComparer : IEqualityComparer<PathState>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(PathState? x, PathState? y) => ReferenceEquals(x, y);

        public int GetHashCode(PathState obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
