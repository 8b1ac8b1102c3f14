using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// A path-sensitive dataflow over one control-flow graph: runtime-PM reference counts and memory_lock holds per
/// receiver expression, with what is known about acquisition results (so "if (pm.ResumeAndGet() &lt; 0) return" has no
/// reference on the failing branch). States are sets of <see cref="PathState"/>; joins keep paths apart (like Sparse's
/// per-block contexts) up to a bound; counts are clamped so loops reach a fixed point. Intra-procedural: calls are
/// summarized by their attributes only.
/// </summary>
internal sealed partial class ResourceFlowAnalysis
{
    /// <summary>Pseudo-key holding the reference a [ReleasesPmReference] method was handed by its caller.</summary>
    public const string ContractCredit = "<caller's reference>";

    private const int MaxStatesPerBlock = 32;
    private const int MaxBlockVisits = 2000;

    private readonly ControlFlowGraph _cfg;
    private readonly ContractReader _contracts;
    private readonly MethodContract _self;
    private readonly IMethodSymbol? _method;
    private readonly ResourceKeys _keys;
    private readonly Dictionary<CaptureId, string> _capturePaths = new();
    private readonly Action<ResourceFlowAnalysis, IOperation, IReadOnlyCollection<PathState>>? _onInvocation;
    private readonly CancellationToken _cancellation;
    private readonly List<FlowFinding> _findings = new();
    private readonly HashSet<(FindingKind, string, int)> _reported = new();
    private readonly string? _selfPmKey;
    private readonly string? _selfLockKey;
    private readonly Dictionary<CaptureId, ILocalSymbol> _captureLocals = new();
    private readonly HashSet<string> _monitorKeys = new();
    private readonly Dictionary<(IInvocationOperation, string?, bool), string?> _keyCache = new(CallKeyComparer.Instance);

    // Clang's rule: a contract on the receiver itself ("this" is the resource) describes a primitive whose body is
    // trusted, not checked (RuntimePm.Get, MemoryLock.DownWrite, a file's own get/put wrappers).
    private readonly bool _trustPmBody;
    private readonly bool _trustLockBody;

    private ResourceFlowAnalysis(
        ControlFlowGraph cfg,
        IMethodSymbol? method,
        ContractReader contracts,
        Action<ResourceFlowAnalysis, IOperation, IReadOnlyCollection<PathState>>? onInvocation,
        CancellationToken cancellation)
    {
        _cfg = cfg;
        _method = method;
        _contracts = contracts;
        _self = method is null ? MethodContract.Empty : contracts.For(method);
        _onInvocation = onInvocation;
        _cancellation = cancellation;
        _keys = new ResourceKeys(ResourceKeys.FindAliases(cfg.Blocks.SelectMany(b => b.Operations.Concat(b.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { b.BranchValue }))));
        _selfPmKey = SelfKey(_self.AcquiresPm ? _self.AcquiresPmTarget : _self.ReleasesPmTarget, isLock: false);
        _selfLockKey = SelfKey(_self.AcquiresLock != LockMode.None ? _self.AcquiresLockTarget : _self.ReleasesLock ? _self.ReleasesLockTarget : _self.RequiresLockTarget, isLock: true);
        _trustPmBody = (_self.AcquiresPm && _self.AcquiresPmTarget is null) || (_self.ReleasesPm && _self.ReleasesPmTarget is null);
        _trustLockBody = method is not null && !HasMemoryLockMember(method.ContainingType)
            && ((_self.AcquiresLock != LockMode.None && _self.AcquiresLockTarget is null) || (_self.ReleasesLock && _self.ReleasesLockTarget is null));
    }

    /// <summary>What was found.</summary>
    public IReadOnlyList<FlowFinding> Findings => _findings;

    /// <summary>The method's own contract.</summary>
    public MethodContract Self => _self;

    /// <summary>
    /// Runs the analysis. <paramref name="onInvocation"/> sees every call and member reference with all path states that
    /// reach it (before a call's own effect), for rules about what must or must not be held there.
    /// </summary>
    public static ResourceFlowAnalysis Run(
        ControlFlowGraph cfg,
        IMethodSymbol? method,
        ContractReader contracts,
        Action<ResourceFlowAnalysis, IOperation, IReadOnlyCollection<PathState>>? onInvocation,
        CancellationToken cancellation)
    {
        var analysis = new ResourceFlowAnalysis(cfg, method, contracts, onInvocation, cancellation);
        analysis.Solve();
        return analysis;
    }

    /// <summary>True for a lock taken with a BCL monitor (lock statement): only [GuardedBy] cares about it.</summary>
    public bool IsMonitorKey(string key) => _monitorKeys.Contains(key);

    /// <summary>The lock key of a memory_lock contract: the receiver's MemoryLock member, or the receiver itself when it is the lock.</summary>
    public string? LockKeyFor(IInvocationOperation invocation, string? target) => CachedKey(invocation, target, isLock: true);

    /// <summary>The PM key of a runtime-PM contract on <paramref name="invocation"/>.</summary>
    public string? PmKeyFor(IInvocationOperation invocation, string? target) => CachedKey(invocation, target, isLock: false);

    // A call's key depends only on its syntax and the aliases/captures fixed before solving, but it was rebuilt (string
    // concatenation, a walk up the receiver's type) on every visit of every path: remember it per call.
    private string? CachedKey(IInvocationOperation invocation, string? target, bool isLock)
    {
        var cacheKey = (invocation, target, isLock);
        if (!_keyCache.TryGetValue(cacheKey, out var key))
        {
            key = isLock ? ComputeLockKey(invocation, target) : NormalizePmTarget(invocation.TargetMethod, target, _keys.KeyFor(invocation, target, _capturePaths));
            _keyCache[cacheKey] = key;
        }

        return key;
    }

    private string? ComputeLockKey(IInvocationOperation invocation, string? target)
    {
        if (target is not null)
        {
            return _keys.KeyFor(invocation, target, _capturePaths);
        }

        var receiverPath = invocation.Instance is null ? null : _keys.PathOf(invocation.Instance, _capturePaths);
        if (receiverPath is null)
        {
            return null;
        }

        return HasMemoryLockMember(invocation.TargetMethod.ContainingType) ? receiverPath + ".MemoryLock" : receiverPath;
    }

    /// <summary>The path of an expression (for rules that key on field owners).</summary>
    public string? PathOf(IOperation operation) => _keys.PathOf(operation, _capturePaths);

    private static bool HasMemoryLockMember(ITypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.GetMembers("MemoryLock").Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    private string? SelfKey(string? target, bool isLock)
    {
        if (_method is null)
        {
            return null;
        }

        if (target is not null)
        {
            var head = target.Split('.')[0];
            foreach (var p in _method.Parameters)
            {
                if (p.Name == head)
                {
                    return isLock ? target : NormalizePmTarget(_method, target, target);
                }
            }

            return isLock ? "this." + target : NormalizePmTarget(_method, target, "this." + target);
        }

        if (isLock)
        {
            return HasMemoryLockMember(_method.ContainingType) ? "this.MemoryLock" : "this";
        }

        return null;
    }

    // ---- solving --------------------------------------------------------------------------------------------------

    private void Solve()
    {
        foreach (var block in _cfg.Blocks)
        {
            foreach (var op in block.Operations.SelectMany(ResourceKeys.Walk))
            {
                if (op is IFlowCaptureOperation capture && _keys.PathOf(capture.Value, _capturePaths) is { } path)
                {
                    _capturePaths[capture.Id] = path;
                }

                if (op is IFlowCaptureOperation { Value: ILocalReferenceOperation capturedLocal } localCapture)
                {
                    _captureLocals[localCapture.Id] = capturedLocal.Local;
                }
            }
        }

        var blocks = _cfg.Blocks;
        var inStates = new HashSet<PathState>?[blocks.Length]; // indexed by block ordinal
        inStates[0] = new HashSet<PathState>(InitialStates());
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
                if (Merge(inStates, entry, inStates[ordinal]!))
                {
                    work.Add(entry);
                }
            }

            var outgoing = Transfer(block, inStates[ordinal]!);
            foreach (var (branch, states) in outgoing)
            {
                foreach (var (destination, arriving) in Follow(block, branch, states))
                {
                    if (Merge(inStates, destination, arriving))
                    {
                        work.Add(destination);
                    }
                }
            }
        }
    }

    private PathState InitialState()
    {
        var state = PathState.Empty;
        if (_self.ReleasesPm)
        {
            state = state.WithPm(_selfPmKey ?? ContractCredit, 1);
        }

        if (_selfLockKey is not null)
        {
            if (_self.ReleasesLock)
            {
                state = state.WithLock(_selfLockKey, LockMode.Exclusive);
            }
            else if (_self.RequiresLock != LockMode.None)
            {
                state = state.WithLock(_selfLockKey, _self.RequiresLock);
            }
        }

        return state;
    }

    private static bool Merge(HashSet<PathState>?[] inStates, int ordinal, IEnumerable<PathState> arriving)
    {
        var set = inStates[ordinal];
        if (set is null)
        {
            set = new HashSet<PathState>();
            inStates[ordinal] = set;
        }

        var changed = false;
        foreach (var s in arriving)
        {
            changed |= set.Add(s);
        }

        if (set.Count > MaxStatesPerBlock)
        {
            // Too many paths: forget value facts so paths that differ only in them merge (a bound, not a proof).
            var merged = new HashSet<PathState>(set.Select(s => s.WithoutFacts()));
            set.Clear();
            foreach (var s in merged.Take(MaxStatesPerBlock))
            {
                set.Add(s);
            }
        }

        return changed;
    }

    // Applies a block's operations and splits the states over its successors.
    private List<(ControlFlowBranch Branch, IReadOnlyCollection<PathState> States)> Transfer(BasicBlock block, IReadOnlyCollection<PathState> states)
    {
        IReadOnlyCollection<PathState> current = states;
        foreach (var op in block.Operations)
        {
            current = Apply(op, current);
        }

        if (block.BranchValue is { } branchValue)
        {
            current = Apply(branchValue, current);
        }

        var result = new List<(ControlFlowBranch, IReadOnlyCollection<PathState>)>();
        if (block.ConditionKind == ControlFlowConditionKind.None || block.BranchValue is null)
        {
            if (block.FallThroughSuccessor is { } only)
            {
                result.Add((only, current));
            }

            return result;
        }

        var whenTrue = new List<PathState>();
        var whenFalse = new List<PathState>();
        foreach (var s in current)
        {
            var (t, f) = Refine(s, block.BranchValue);
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
            result.Add((conditional, conditionalTaken));
        }

        if (block.FallThroughSuccessor is { } fall)
        {
            result.Add((fall, fallThrough));
        }

        return result;
    }

    // Follows a branch: finally regions on the way, exits checked, destinations returned.
    private IEnumerable<(int Destination, IReadOnlyCollection<PathState> States)> Follow(BasicBlock source, ControlFlowBranch branch, IReadOnlyCollection<PathState> states)
    {
        if (states.Count == 0)
        {
            yield break;
        }

        IReadOnlyCollection<PathState> current = states;
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

                    CheckExit(current, new ExitSite(this, source, branch), null);
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
            CheckExit(current, new ExitSite(this, source, branch), branch.Semantics == ControlFlowBranchSemantics.Return ? source.BranchValue : null);
            yield break;
        }

        yield return (destination.Ordinal, current);
    }

    // Runs a finally (or other inline) region from its first block to its end, returning the states that leave it.
    private IReadOnlyCollection<PathState> RunRegion(ControlFlowRegion region, IReadOnlyCollection<PathState> entry)
    {
        var inStates = new HashSet<PathState>?[_cfg.Blocks.Length];
        inStates[region.FirstBlockOrdinal] = new HashSet<PathState>(entry);
        var work = new SortedSet<int> { region.FirstBlockOrdinal };
        var leaving = new HashSet<PathState>();
        var visits = 0;
        while (work.Count > 0 && visits++ < MaxBlockVisits)
        {
            var ordinal = work.Min;
            work.Remove(ordinal);
            var block = _cfg.Blocks[ordinal];
            foreach (var (branch, states) in Transfer(block, inStates[ordinal]!))
            {
                IReadOnlyCollection<PathState> current = states;
                foreach (var nested in branch.FinallyRegions)
                {
                    current = RunRegion(nested, current);
                }

                if (branch.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling || branch.Destination is null)
                {
                    foreach (var s in current)
                    {
                        leaving.Add(s);
                    }

                    continue;
                }

                var destination = branch.Destination.Ordinal;
                if (destination < region.FirstBlockOrdinal || destination > region.LastBlockOrdinal)
                {
                    foreach (var s in current)
                    {
                        leaving.Add(s);
                    }

                    continue;
                }

                if (Merge(inStates, destination, current))
                {
                    work.Add(destination);
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

    // ---- operations -----------------------------------------------------------------------------------------------

    // Applies an operation tree in post-order (operands before the operation). Lambdas and local functions are analysed
    // on their own, so they are neither entered nor applied. Recursive over the tree's depth: no per-node allocation.
    private IReadOnlyCollection<PathState> Apply(IOperation root, IReadOnlyCollection<PathState> states)
    {
        if (root is IAnonymousFunctionOperation or IFlowAnonymousFunctionOperation or ILocalFunctionOperation)
        {
            return states;
        }

        var current = states;
        foreach (var child in root.ChildOperations)
        {
            current = Apply(child, current);
        }

        return ApplyOne(root, current);
    }

    private IReadOnlyCollection<PathState> ApplyOne(IOperation op, IReadOnlyCollection<PathState> states)
    {
        switch (op)
        {
            case IInvocationOperation invocation:
                _onInvocation?.Invoke(this, invocation, states);
                return ApplyInvocation(invocation, states);
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                _onInvocation?.Invoke(this, op, states);
                return states;
            case IFlowCaptureOperation capture:
                return Map(states, s => s.WithValue(capture.Id, ValueOf(capture.Value, s)));
            case ISimpleAssignmentOperation when OwnershipWriteOf(op) is { } write:
                return ApplyOwnershipWrite(write.Target, write.Value, op, states);
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                return Map(states, s => ForgetNullness(s, local.Local).WithValue(local.Local, ValueOf(assignment.Value, s)));
            case IVariableDeclaratorOperation { Initializer: { } init } declarator:
                return Map(states, s => ForgetNullness(s, declarator.Symbol).WithValue(declarator.Symbol, ValueOf(init.Value, s)));
            default:
                return states;
        }
    }

    private static PathState ForgetNullness(PathState state, ILocalSymbol local) =>
        state.Facts.ContainsKey(local) && !state.Values.ContainsKey(local) ? new PathState(state.Pm, state.Locks, state.Facts.Remove(local), state.Values, state.Origins, state.Scopes) : state;

    // Applies f to every state. When f changes none of them the input comes back as is: no allocation on the no-op
    // steps (a flow capture of an untracked value) that make up most of a body.
    private static IReadOnlyCollection<PathState> Map(IReadOnlyCollection<PathState> states, Func<PathState, PathState> f)
    {
        HashSet<PathState>? result = null;
        var unchanged = 0;
        foreach (var s in states)
        {
            var next = f(s);
            if (result is null)
            {
                if (ReferenceEquals(next, s))
                {
                    unchanged++;
                    continue;
                }

                result = new HashSet<PathState>();
                foreach (var earlier in states)
                {
                    if (unchanged-- == 0)
                    {
                        break;
                    }

                    result.Add(earlier);
                }
            }

            result.Add(next);
        }

        return result ?? states;
    }

    // The tracked result an expression stands for on this path, if any.
    private static object? ValueOf(IOperation op, PathState state)
    {
        switch (op)
        {
            case IConversionOperation c:
                return ValueOf(c.Operand, state);
            case IParenthesizedOperation p:
                return ValueOf(p.Operand, state);
            case ISimpleAssignmentOperation assignment:
                // "(ret = pm.ResumeAndGet()) < 0": an assignment's value is what it assigns.
                return ValueOf(assignment.Value, state);
            case IInvocationOperation:
                return state.Facts.ContainsKey(op) || state.Scopes.ContainsKey(op) ? op : null;
            case ILocalReferenceOperation l:
                return state.Resolve(l.Local);
            case IFlowCaptureReferenceOperation cr:
                return state.Resolve(cr.Id);
            default:
                return null;
        }
    }

    private IReadOnlyCollection<PathState> ApplyInvocation(IInvocationOperation invocation, IReadOnlyCollection<PathState> states)
    {
        if (OwnershipWriteOf(invocation) is { } write)
        {
            return ApplyOwnershipWrite(write.Target, write.Value, invocation, states);
        }

        var contract = _contracts.For(invocation.TargetMethod);
        if (contract.IsEmpty)
        {
            return states;
        }

        var result = new HashSet<PathState>();
        foreach (var state in states)
        {
            foreach (var (forked, applying) in ForkContract(invocation, contract, state))
            {
                foreach (var next in ApplyContract(invocation, applying, forked))
                {
                    result.Add(next);
                }
            }
        }

        return result;
    }

    private IEnumerable<PathState> ApplyContract(IInvocationOperation invocation, MethodContract contract, PathState state)
    {
        // Dispose of a scope object releases what the scope holds.
        if ((contract.ReleasesPm || contract.ReleasesLock) && invocation.Instance is { } scopeReceiver
            && ValueOf(scopeReceiver, state) is { } scopeValue && state.Scopes.TryGetValue(scopeValue, out var binding))
        {
            yield return binding.IsLock ? ReleaseLock(invocation, binding.Key, state) : ReleasePm(invocation, binding.Key, state);
            yield break;
        }

        // A guard whose origin is not visible here (a parameter, a field) is not ours to balance.
        if ((contract.ReleasesPm || contract.ReleasesLock) && invocation.Instance is { } guard && ReturnsScopeType(guard.Type, contract.ReleasesLock))
        {
            yield return state;
            yield break;
        }

        var current = state;
        if (contract.ReleasesPm && PmKeyFor(invocation, contract.ReleasesPmTarget) is { } releaseKey)
        {
            current = ReleasePm(invocation, releaseKey, current);
        }

        if (contract.ReleasesLock && LockKeyFor(invocation, contract.ReleasesLockTarget) is { } unlockKey)
        {
            if (contract.IsMonitor)
            {
                _monitorKeys.Add(unlockKey);
            }

            current = ReleaseLock(invocation, unlockKey, current);
        }

        if (contract.AcquiresLock != LockMode.None && LockKeyFor(invocation, contract.AcquiresLockTarget) is { } lockKey)
        {
            if (contract.IsMonitor)
            {
                _monitorKeys.Add(lockKey);
            }

            if (invocation.TargetMethod.ReturnType.SpecialType == SpecialType.System_Boolean)
            {
                // Try-lock: held only on the "true" result.
                yield return current.WithLock(lockKey, current.ModeOf(lockKey) == LockMode.None ? contract.AcquiresLock : current.ModeOf(lockKey)).WithFact(invocation, Signs.Positive);
                yield return current.WithFact(invocation, Signs.Zero);
                yield break;
            }

            if (current.ModeOf(lockKey) != LockMode.None)
            {
                Report(FindingKind.LockRecursive, lockKey, invocation.Syntax.GetLocation(), null, "is acquired again while this path already holds it: the same thread would deadlock");
            }

            current = current.WithLock(lockKey, contract.AcquiresLock);
            foreach (var argument in invocation.Arguments)
            {
                // Monitor.Enter(obj, ref lockTaken): the flag says the lock is held.
                if (argument.Parameter is { RefKind: RefKind.Ref, Type.SpecialType: SpecialType.System_Boolean } && argument.Value is ILocalReferenceOperation taken)
                {
                    current = current.WithFact(taken.Local, Signs.Positive);
                }
            }

            if (ReturnsScope(invocation.TargetMethod, isLock: true))
            {
                current = current.WithScope(invocation, new ScopeBinding(true, lockKey));
            }
        }

        if (contract.AcquiresPm && PmKeyFor(invocation, contract.AcquiresPmTarget) is { } pmKey)
        {
            var origin = new Origin(invocation, HeldOnFailure: !contract.AcquiresPmOnSuccess && ReturnsInt(invocation.TargetMethod));
            if (ReturnsScope(invocation.TargetMethod, isLock: false))
            {
                yield return current.WithPm(pmKey, current.CountOf(pmKey) + 1, origin).WithScope(invocation, new ScopeBinding(false, pmKey));
                yield break;
            }

            if (contract.AcquiresPmOnSuccess)
            {
                var success = SignLogic.Success(contract.AcquiresPmSuccess);
                var failure = SignLogic.Domain(contract.AcquiresPmSuccess) & ~success;
                yield return current.WithPm(pmKey, current.CountOf(pmKey) + 1, origin).WithFact(invocation, success);
                if (failure != Signs.None)
                {
                    yield return current.WithFact(invocation, failure);
                }

                yield break;
            }

            current = current.WithPm(pmKey, current.CountOf(pmKey) + 1, origin);
            if (ReturnsInt(invocation.TargetMethod))
            {
                current = current.WithFact(invocation, Signs.All);
            }
        }

        yield return current;
    }

    private PathState ReleasePm(IInvocationOperation invocation, string key, PathState state)
    {
        var count = state.CountOf(key);
        if (count > 0)
        {
            return state.WithPm(key, count - 1);
        }

        if (state.CountOf(ContractCredit) > 0)
        {
            return state.WithPm(ContractCredit, 0);
        }

        Report(FindingKind.PmUnderflow, key, invocation.Syntax.GetLocation(), null, invocation.TargetMethod.Name);
        return state;
    }

    private PathState ReleaseLock(IInvocationOperation invocation, string key, PathState state)
    {
        if (state.ModeOf(key) == LockMode.None)
        {
            Report(FindingKind.LockReleaseNotHeld, key, invocation.Syntax.GetLocation(), null, "is released on a path where it is not held");
            return state;
        }

        return state.WithLock(key, LockMode.None);
    }

    private static bool ReturnsInt(IMethodSymbol method) => method.ReturnType.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

    // A guard type: its Dispose carries the matching release attribute.
    private bool ReturnsScope(IMethodSymbol method, bool isLock) => ReturnsScopeType(method.ReturnType, isLock);

    private bool ReturnsScopeType(ITypeSymbol? type, bool isLock)
    {
        if (type is null)
        {
            return false;
        }

        foreach (var member in type.GetMembers("Dispose"))
        {
            if (member is IMethodSymbol dispose && dispose.Parameters.Length == 0)
            {
                var c = _contracts.For(dispose);
                if (isLock ? c.ReleasesLock : c.ReleasesPm)
                {
                    return true;
                }
            }
        }

        return false;
    }

    // ---- conditions -----------------------------------------------------------------------------------------------

    // Splits a state by a branch condition: (state if true, state if false); null where that side is impossible.
    private (PathState? WhenTrue, PathState? WhenFalse) Refine(PathState state, IOperation condition)
    {
        switch (condition)
        {
            case IConversionOperation c:
                return Refine(state, c.Operand);
            case IParenthesizedOperation p:
                return Refine(state, p.Operand);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                var (t, f) = Refine(state, not.Operand);
                return (f, t);
            case IIsNullOperation isNull when ValueOf(isNull.Operand, state) is { } nv && state.Scopes.ContainsKey(nv):
                return (null, state);
            case IIsNullOperation isNull when LocalOf(isNull.Operand) is { } nullLocal:
                return SplitNull(state, nullLocal);
            case IBinaryOperation binary:
                return RefineComparison(state, binary.OperatorKind, binary.LeftOperand, binary.RightOperand);
            case IIsPatternOperation pattern:
                return RefinePattern(state, pattern.Value, pattern.Pattern);
        }

        // A tracked bool result used directly as the condition (a try-lock).
        if (ValueOf(condition, state) is { } value && state.Facts.TryGetValue(value, out var signs))
        {
            return Split(state, value, signs, Signs.Positive);
        }

        // A bool local or a member that cannot change under us, tested twice: the second test agrees with the first.
        if (condition.Type?.SpecialType == SpecialType.System_Boolean && StableKeyOf(condition) is { } stable)
        {
            var known = state.Facts.TryGetValue(stable, out var s) ? s : Signs.Zero | Signs.Positive;
            return Split(state, stable, known, Signs.Positive);
        }

        return (state, state);
    }

    private (PathState?, PathState?) RefineComparison(PathState state, BinaryOperatorKind kind, IOperation left, IOperation right)
    {
        if (kind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals)
        {
            var nullOther = right.ConstantValue is { HasValue: true, Value: null } ? left : left.ConstantValue is { HasValue: true, Value: null } ? right : null;
            if (nullOther is not null && LocalOf(nullOther) is { } local && !(ValueOf(nullOther, state) is { } sv && state.Scopes.ContainsKey(sv)))
            {
                var (isNull, notNull) = SplitNull(state, local);
                return kind == BinaryOperatorKind.Equals ? (isNull, notNull) : (notNull, isNull);
            }
        }

        var onLeft = ValueOf(left, state);
        var value = onLeft ?? ValueOf(right, state);
        if (value is null)
        {
            return (state, state);
        }

        var other = onLeft is not null ? right : left;
        if (state.Scopes.ContainsKey(value) && other.ConstantValue is { HasValue: true, Value: null })
        {
            // A guard is never null.
            return kind == BinaryOperatorKind.Equals ? (null, state) : kind == BinaryOperatorKind.NotEquals ? (state, null) : (state, state);
        }

        if (!state.Facts.TryGetValue(value, out var signs) || SignLogic.ConstantOf(other) is not { } constant)
        {
            return (state, state);
        }

        var whereTrue = SignLogic.WhereTrue(kind, constant, valueOnLeft: onLeft is not null);
        return whereTrue is { } wt ? Split(state, value, signs, wt) : (state, state);
    }

    private (PathState?, PathState?) RefinePattern(PathState state, IOperation valueOp, IPatternOperation pattern)
    {
        if (LocalOf(valueOp) is { } patternLocal)
        {
            switch (pattern)
            {
                case IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } }:
                    return SplitNull(state, patternLocal);
                case INegatedPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } }:
                    var (isNull, notNull) = SplitNull(state, patternLocal);
                    return (notNull, isNull);
                case IRecursivePatternOperation or IDeclarationPatternOperation:
                    var (wasNull, nonNull) = SplitNull(state, patternLocal);
                    return (nonNull, state);
            }
        }

        if (ValueOf(valueOp, state) is not { } value || !state.Facts.TryGetValue(value, out var signs))
        {
            return (state, state);
        }

        Signs? whereTrue = pattern switch
        {
            IRelationalPatternOperation rel when SignLogic.ConstantOf(rel.Value) is { } c => SignLogic.WhereTrue(rel.OperatorKind, c, valueOnLeft: true),
            IConstantPatternOperation con when SignLogic.ConstantOf(con.Value) is { } c => SignLogic.WhereTrue(BinaryOperatorKind.Equals, c, valueOnLeft: true),
            INegatedPatternOperation { Pattern: IRelationalPatternOperation rel } when SignLogic.ConstantOf(rel.Value) is { } c => Not(SignLogic.WhereTrue(rel.OperatorKind, c, valueOnLeft: true)),
            INegatedPatternOperation { Pattern: IConstantPatternOperation con } when SignLogic.ConstantOf(con.Value) is { } c => Not(SignLogic.WhereTrue(BinaryOperatorKind.Equals, c, valueOnLeft: true)),
            _ => null,
        };

        return whereTrue is { } wt ? Split(state, value, signs, wt) : (state, state);
    }

    // A condition whose value is the same each time it is read in this method: an unassigned-since bool local, a
    // readonly field, or a get-only property of the receiver (latched configuration such as DisableIdleD3).
    private object? StableKeyOf(IOperation op)
    {
        switch (op)
        {
            case IConversionOperation c:
                return StableKeyOf(c.Operand);
            case ILocalReferenceOperation l:
                return l.Local;
            case IFlowCaptureReferenceOperation cr when _captureLocals.TryGetValue(cr.Id, out var local):
                return local;
            case IFieldReferenceOperation { Field.IsReadOnly: true } f:
                return _keys.PathOf(f, _capturePaths);
            case IFieldReferenceOperation f when ContractReader.OwnershipOf(f.Field) is not null:
                return _keys.PathOf(f, _capturePaths); // an owning flag: its writes update the fact

            case IPropertyReferenceOperation { Property: { SetMethod: null, IsIndexer: false } } p:
                return _keys.PathOf(p, _capturePaths);
            default:
                return null;
        }
    }

    // The local an expression reads (directly or through a flow capture), for null-ness facts.
    private ILocalSymbol? LocalOf(IOperation op) => op switch
    {
        IConversionOperation c => LocalOf(c.Operand),
        ILocalReferenceOperation l => l.Local,
        IFlowCaptureReferenceOperation cr when _captureLocals.TryGetValue(cr.Id, out var local) => local,
        _ => null,
    };

    // Null-ness of a local: Zero = null, Positive = not null; unknown until tested, forgotten when assigned.
    private static (PathState? IsNull, PathState? NotNull) SplitNull(PathState state, ILocalSymbol local)
    {
        if (state.Values.ContainsKey(local))
        {
            return (state, state);
        }

        var known = state.Facts.TryGetValue(local, out var signs) ? signs : Signs.Zero | Signs.Positive;
        var isNull = known & Signs.Zero;
        var notNull = known & Signs.Positive;
        return (isNull == Signs.None ? null : state.WithFact(local, isNull), notNull == Signs.None ? null : state.WithFact(local, notNull));
    }

    private static Signs? Not(Signs? signs) => signs is { } s ? Signs.All & ~s : null;

    private static (PathState?, PathState?) Split(PathState state, object value, Signs known, Signs whereTrue)
    {
        var t = known & whereTrue;
        var f = known & ~whereTrue;
        return (t == Signs.None ? null : state.WithFact(value, t), f == Signs.None ? null : state.WithFact(value, f));
    }

    // ---- exits ----------------------------------------------------------------------------------------------------

    private void CheckExit(IReadOnlyCollection<PathState> states, ExitSite exit, IOperation? returned)
    {
        foreach (var state in states)
        {
            CheckPmAtExit(state, exit, returned);
            CheckOwnershipAtExit(state);
            CheckOnSuccessReturn(state, exit, returned);
            CheckLocksAtExit(state, exit);
        }
    }

    private void CheckPmAtExit(PathState state, ExitSite exit, IOperation? returned)
    {
        var releaseSucceeds = ReleaseExitSucceeds(state, returned);
        if (releaseSucceeds == false && (_selfPmKey is null ? state.CountOf(ContractCredit) == 0 : state.CountOf(_selfPmKey) <= 0))
        {
            Report(FindingKind.ContractMismatch, _selfPmKey ?? ContractCredit, exit.Location, null, "release a runtime-PM reference only on success|releases it on the failing path that " + exit.Detail, pmResource: true);
        }

        if (state.Pm.IsEmpty && !_self.AcquiresPm)
        {
            return; // nothing held and nothing promised: the common exit
        }

        if (state.CountOf(ContractCredit) > 0 && releaseSucceeds != false)
        {
            Report(FindingKind.ContractMismatch, ContractCredit, exit.Location, null, "release a runtime-PM reference|does not put one on the path that " + exit.Detail, pmResource: true);
        }

        var held = state.Pm.Where(kv => kv.Key != ContractCredit && kv.Value > 0).ToList();
        if (releaseSucceeds == false && _selfPmKey is not null)
        {
            held = held.Where(kv => kv.Key != _selfPmKey).ToList(); // a failed release keeps the caller's reference
        }

        if (_self.AcquiresPm && !SelfContractWaived(state))
        {
            var expectedKey = _selfPmKey;
            var matching = held.Where(kv => expectedKey is null || kv.Key == expectedKey).ToList();
            var satisfied = matching.Count == 1 && matching[0].Value == 1;
            if (!satisfied && !_self.AcquiresPmOnSuccess)
            {
                Report(FindingKind.ContractMismatch, expectedKey ?? "this", exit.Location, null, "return holding a runtime-PM reference|does not hold one on the path that " + exit.Detail, pmResource: true);
            }

            if (satisfied || (matching.Count == 0 && _self.AcquiresPmOnSuccess))
            {
                held = held.Where(kv => !matching.Contains(kv)).ToList();
            }
        }

        if (_self.ReleasesPm && _selfPmKey is not null && state.CountOf(_selfPmKey) > 0 && releaseSucceeds != false)
        {
            Report(FindingKind.ContractMismatch, _selfPmKey, exit.Location, null, "release the runtime-PM reference on '" + ResourceKeys.Display(_selfPmKey) + "'|still holds it on the path that " + exit.Detail, pmResource: true);
            held = held.Where(kv => kv.Key != _selfPmKey).ToList();
        }

        foreach (var kv in held)
        {
            state.Origins.TryGetValue(kv.Key, out var origin);
            var getSyncFailure = origin is { HeldOnFailure: true } && state.Facts.TryGetValue(origin.Site, out var signs) && signs == Signs.Negative;
            Report(FindingKind.PmLeak, kv.Key, exit.Location, origin?.Site.Syntax.GetLocation(), exit.Detail, getSyncFailure);
        }
    }

    // [AcquiresPmReference(OnSuccess = true)]: what the method returns must say whether it holds the reference.
    private void CheckOnSuccessReturn(PathState state, ExitSite exit, IOperation? returned)
    {
        if (!_self.AcquiresPm || !_self.AcquiresPmOnSuccess || _trustPmBody || returned is null || SelfContractWaived(state) || SignsOf(returned, state) is not { } signs)
        {
            return;
        }

        var held = _selfPmKey is not null ? state.CountOf(_selfPmKey) > 0 : state.Pm.Any(kv => kv.Key != ContractCredit && kv.Value > 0);
        var success = SignLogic.Success(_self.AcquiresPmSuccess);
        if (held && (signs & success) == Signs.None)
        {
            Report(FindingKind.ContractMismatch, _selfPmKey ?? "this", exit.Location, null, "hold a runtime-PM reference exactly when it returns success|returns failure while holding one on the path that " + exit.Detail, pmResource: true);
        }
        else if (!held && (signs & ~success) == Signs.None)
        {
            Report(FindingKind.ContractMismatch, _selfPmKey ?? "this", exit.Location, null, "hold a runtime-PM reference exactly when it returns success|returns success without holding one on the path that " + exit.Detail, pmResource: true);
        }
    }

    // The signs a returned expression can have on this path: a constant's, or a tracked result's.
    private static Signs? SignsOf(IOperation op, PathState state)
    {
        if (SignLogic.ConstantOf(op) is { } constant)
        {
            return constant < 0 ? Signs.Negative : constant == 0 ? Signs.Zero : Signs.Positive;
        }

        return ValueOf(op, state) is { } value && state.Facts.TryGetValue(value, out var signs) ? signs : null;
    }

    private void CheckLocksAtExit(PathState state, ExitSite exit)
    {
        foreach (var kv in state.Locks)
        {
            var expected = kv.Key == _selfLockKey && (_self.AcquiresLock != LockMode.None || (_self.RequiresLock != LockMode.None && !_self.ReleasesLock));
            if (!expected)
            {
                Report(FindingKind.LockLeak, kv.Key, exit.Location, null, "is still held on the path that " + exit.Detail);
            }
        }

        if (_selfLockKey is not null && state.ModeOf(_selfLockKey) == LockMode.None)
        {
            if (_self.AcquiresLock != LockMode.None)
            {
                Report(FindingKind.ContractMismatch, _selfLockKey, exit.Location, null, pmResource: false, detail: "return holding '" + ResourceKeys.Display(_selfLockKey) + "'|does not hold it on the path that " + exit.Detail);
            }
            else if (_self.RequiresLock != LockMode.None && !_self.ReleasesLock)
            {
                Report(FindingKind.ContractMismatch, _selfLockKey, exit.Location, null, pmResource: false, detail: "keep '" + ResourceKeys.Display(_selfLockKey) + "' held|releases it on the path that " + exit.Detail);
            }
        }
    }

    private Location ExitLocation(BasicBlock source, ControlFlowBranch branch)
    {
        if (branch.Semantics is ControlFlowBranchSemantics.Return && source.BranchValue is { } value)
        {
            return (value.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax>() ?? value.Syntax).GetLocation();
        }

        if (branch.Semantics is ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow && source.BranchValue is { } thrown)
        {
            return (thrown.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.ThrowStatementSyntax>() as SyntaxNode
                ?? thrown.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.ThrowExpressionSyntax>() ?? thrown.Syntax).GetLocation();
        }

        if (source.Operations.LastOrDefault() is { } last && last.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax>() is { } ret)
        {
            return ret.GetLocation();
        }

        // "if (c) return;" in a void method: the graph keeps no syntax for the return; find it under the if.
        if (source.BranchValue?.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.IfStatementSyntax>() is { } ifStatement
            && ifStatement.Statement.DescendantNodesAndSelf().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax>().FirstOrDefault() is { } voidReturn)
        {
            return voidReturn.GetLocation();
        }

        return EndOfBody();
    }

    private Location EndOfBody()
    {
        var root = _cfg.OriginalOperation.Syntax;
        var close = root.DescendantTokens().LastOrDefault(t => t.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.CloseBraceToken));
        return close == default ? root.GetLocation() : close.GetLocation();
    }

    private string ExitDetail(BasicBlock source, ControlFlowBranch branch)
    {
        var location = ExitLocation(source, branch);
        var line = location.GetLineSpan().StartLinePosition.Line + 1;
        return branch.Semantics switch
        {
            ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow => $"throws at line {line}",
            _ when location.SourceSpan.Length == 1 => "reaches the end of the method",
            _ => $"returns at line {line}",
        };
    }

    private void Report(FindingKind kind, string key, Location location, Location? related, string detail, bool getSyncFailure = false, bool? pmResource = null)
    {
        var isPm = pmResource ?? kind is FindingKind.PmLeak or FindingKind.PmUnderflow;
        if ((isPm && _trustPmBody) || (!isPm && _trustLockBody) || (!isPm && _monitorKeys.Contains(key)))
        {
            return;
        }

        if (_reported.Add((kind, key, location.SourceSpan.Start)))
        {
            _findings.Add(new FlowFinding(kind, key, location, related, detail, getSyncFailure));
        }
        else if (kind == FindingKind.PmLeak && getSyncFailure)
        {
            // Prefer the more specific get_sync verdict for the same exit.
            var index = _findings.FindIndex(f => f.Kind == kind && f.Key == key && f.Location.SourceSpan.Start == location.SourceSpan.Start);
            if (index >= 0)
            {
                _findings[index] = _findings[index] with { GetSyncFailurePath = true };
            }
        }
    }

    // Where a path leaves the method and how a message says so. Both are only worked out when something is reported:
    // finding the return statement and its line for every exit of every body cost more than the checks themselves.
    private sealed class ExitSite
    {
        private readonly ResourceFlowAnalysis _analysis;
        private readonly BasicBlock _source;
        private readonly ControlFlowBranch _branch;
        private Location? _location;
        private string? _detail;

        public ExitSite(ResourceFlowAnalysis analysis, BasicBlock source, ControlFlowBranch branch)
        {
            _analysis = analysis;
            _source = source;
            _branch = branch;
        }

        public Location Location => _location ??= _analysis.ExitLocation(_source, _branch);

        public string Detail => _detail ??= _analysis.ExitDetail(_source, _branch);
    }

    // Identity of a (call, contract target, kind) triple for the key cache: the call by reference, the target string by
    // reference (contracts are cached, so one contract's target is one instance; another instance only misses the
    // cache). The default tuple comparer hashed the whole target string on every lookup.
    private sealed class CallKeyComparer : IEqualityComparer<(IInvocationOperation Call, string? Target, bool IsLock)>
    {
        public static readonly CallKeyComparer Instance = new();

        public bool Equals((IInvocationOperation Call, string? Target, bool IsLock) x, (IInvocationOperation Call, string? Target, bool IsLock) y) =>
            ReferenceEquals(x.Call, y.Call) && ReferenceEquals(x.Target, y.Target) && x.IsLock == y.IsLock;

        public int GetHashCode((IInvocationOperation Call, string? Target, bool IsLock) key) =>
            (System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Call) * 31) + (key.IsLock ? 1 : 0);
    }
}
