using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// What every part of one body's analysis shares, fixed before solving: the graph, the method's own contract and the
/// keys it names, how expressions are named (aliases, flow captures), and whether the body is trusted. Only
/// <see cref="MonitorKeys"/> and the key cache grow while solving; both are read-only once the result is built.
/// </summary>
internal sealed partial class FlowBody
{
    private Dictionary<(IInvocationOperation, string?, bool), ResourceKey?> _keyCache = new(CallKeyComparer.Instance);
    private Dictionary<IOperation, ValueKey?> _subjects = new();

    public FlowBody(ControlFlowGraph cfg, IMethodSymbol? method, ContractReader contracts)
    {
        Cfg = cfg;
        Method = method;
        Contracts = contracts;
        Self = method is null ? MethodContract.Empty : contracts.For(method);
        Keys = ResourceKeys.For(cfg.Blocks.SelectMany(b => b.Operations.Concat(b.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { b.BranchValue })));
        var pmTarget = Self.AcquiresPm ? Self.AcquiresPmTarget : Self.ReleasesPmTarget;
        var staticWithoutTarget = method is not null && (Self.AcquiresPm || Self.ReleasesPm) && pmTarget is null && StaticDeviceBinding.NeedsBinding(method);
        if (staticWithoutTarget)
        {
            // No receiver to be the resource: the contract names the single device parameter, or is malformed.
            pmTarget = StaticDeviceBinding.TargetFor(method!, out var candidates);
            UnboundStaticDevices = pmTarget is null ? candidates : null;
        }

        SelfPmKey = SelfKey(pmTarget, isLock: false);
        SelfLockKey = SelfKey(Self.AcquiresLock != LockMode.None ? Self.AcquiresLockTarget : Self.ReleasesLock ? Self.ReleasesLockTarget : Self.RequiresLockTarget, isLock: true);

        // Clang's rule: a contract on the receiver itself ("this" is the resource) describes a primitive whose body is
        // trusted, not checked (RuntimePm.Get, MemoryLock.DownWrite, a file's own get/put wrappers). A release on
        // failure is not a primitive but a split of the caller's reference across results: its body is judged.
        TrustPmBody = staticWithoutTarget
            ? UnboundStaticDevices is not null // malformed: reported by VPM0011, the body itself not judged
            : (Self.AcquiresPm && Self.AcquiresPmTarget is null) || (Self.ReleasesPm && Self.ReleasesPmTarget is null && !Self.ReleasesPmOnFailure);
        TrustLockBody = method is not null && !HasMemoryLockMember(method.ContainingType)
            && ((Self.AcquiresLock != LockMode.None && Self.AcquiresLockTarget is null) || (Self.ReleasesLock && Self.ReleasesLockTarget is null));

        foreach (var block in cfg.Blocks)
        {
            foreach (var op in block.Operations.SelectMany(ResourceKeys.Walk))
            {
                if (op is IFlowCaptureOperation captured)
                {
                    if (!CaptureDefinitions.TryGetValue(captured.Id, out var definitions))
                    {
                        CaptureDefinitions[captured.Id] = definitions = new List<IFlowCaptureOperation>(2);
                    }

                    definitions.Add(captured);
                }

                if (op is IFlowCaptureOperation capture && Keys.PathOf(capture.Value, CapturePaths) is { } path)
                {
                    CapturePaths[capture.Id] = path;
                }

                if (op is IFlowCaptureOperation { Value: ILocalReferenceOperation capturedLocal } localCapture)
                {
                    CaptureLocals[localCapture.Id] = capturedLocal.Local;
                }
            }
        }

        TrackedSubjects = FindTrackedSubjects();
        LiveSubjects = TrackedSubjects.Count == 0 ? null : FindLiveSubjects();
        if (LiveSubjects is not null && ContractForms.PinnedSubjects(this) is { Count: > 0 } pinned)
        {
            // Latched flags and owning members are read by contract effects and exit checks, not only by tests.
            foreach (var set in LiveSubjects)
            {
                set?.UnionWith(pinned);
            }
        }
    }

    /// <summary>
    /// Per block ordinal, the tracked subjects some later test may still read (backward liveness over the graph);
    /// null when nothing is tracked. A fact about a subject no later test reads only splits paths, so it is dropped
    /// where a path enters a block — what keeps sequential "if (a) lock … if (a) unlock" pairs from multiplying.
    /// </summary>
    public HashSet<ValueKey>?[]? LiveSubjects { get; private set; }

    /// <summary>
    /// The locals, parameters and member paths whose values are worth tracking: those read by at least two of this
    /// body's tests (branch conditions, bool copies of conditions, and — for a conditional acquire — returns). A value
    /// tested once cannot make two tests agree, so tracking it would only split paths for nothing.
    /// </summary>
    public HashSet<ValueKey> TrackedSubjects { get; }

    /// <summary>Locals used as element indices: their facts decide what element holds mean, so liveness never drops them.</summary>
    public HashSet<ValueKey> IndexSubjects { get; private set; } = new();

    /// <summary>
    /// The subject an expression reads, without looking at any path: a local (or the path an alias local stands for),
    /// a parameter, a member path, through conversions and flow captures.
    /// </summary>
    public ValueKey? SubjectOf(IOperation op)
    {
        // Asked at every branch of every path: remember the answer per operation (paths are built from strings).
        if (_subjects.TryGetValue(op, out var known))
        {
            return known;
        }

        var subject = ComputeSubjectOf(op);
        _subjects[op] = subject;
        return subject;
    }

    private ValueKey? ComputeSubjectOf(IOperation op)
    {
        switch (op)
        {
            case IConversionOperation c:
                return ComputeSubjectOf(c.Operand);
            case IParenthesizedOperation p:
                return ComputeSubjectOf(p.Operand);
            case ILocalReferenceOperation l:
                return SubjectOfLocal(l.Local);
            case IParameterReferenceOperation parameter:
                return ValueKey.Member(parameter.Parameter.Name);
            case IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: false, IsConst: false } }:
            case IPropertyReferenceOperation { Property: { IsStatic: true, SetMethod: not null } }:
                // Global mutable state (a writable module parameter): another thread may change it between two
                // reads, so two tests of it are two facts — the "conditional pairing on mutable state" bug class.
                return null;
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                return PathOf(op) is { } path ? ValueKey.Member(path) : null;
            case IFlowCaptureReferenceOperation cr when CaptureLocals.TryGetValue(cr.Id, out var local):
                return SubjectOfLocal(local);
            case IFlowCaptureReferenceOperation cr when CapturePaths.TryGetValue(cr.Id, out var capturedPath):
                return ValueKey.Member(capturedPath);
            default:
                return null;
        }
    }

    /// <summary>"x + c" / "x - c" with a constant c: x, and the signed offset; anything else: itself, offset 0.</summary>
    public static IOperation OffsetOperand(IOperation value, out long offset)
    {
        offset = 0;
        if (value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } binary
            && ResultValues.ConstantOf(binary.RightOperand) is { } c && binary.LeftOperand.ConstantValue is not { HasValue: true })
        {
            offset = binary.OperatorKind == BinaryOperatorKind.Add ? c : -c;
            return binary.LeftOperand;
        }

        return value;
    }

    /// <summary>
    /// The subject a local stands for: the path it aliases, or the local itself. A copy of one element ("var d =
    /// devices[i];") is its own subject: what a test learns of it is about this iteration's element, not every one.
    /// </summary>
    public ValueKey SubjectOfLocal(ILocalSymbol local) =>
        Keys.AliasOf(local) is { } alias && Keys.ElementIndexOfCopy(local) is null ? ValueKey.Member(alias) : ValueKey.Local(local);

    public ControlFlowGraph Cfg { get; }

    /// <summary>The foreach loops of the body, for put-all loops over a collection held per element.</summary>
    public ForEachLoops ForEach => _forEach ??= new ForEachLoops(this);

    private ForEachLoops? _forEach;

    /// <summary>Loops that release a collection held per element from its last element down.</summary>
    public ReverseLoops Reverse => _reverse ??= new ReverseLoops(this);

    private ReverseLoops? _reverse;

    public IMethodSymbol? Method { get; }

    public ContractReader Contracts { get; }

    /// <summary>The method's own contract.</summary>
    public MethodContract Self { get; }

    public ResourceKeys Keys { get; }

    /// <summary>The path each flow capture of a plain access path stands for.</summary>
    public Dictionary<CaptureId, string> CapturePaths { get; } = new();

    /// <summary>Every assignment of each flow capture (a ternary's or a coalesce's arms).</summary>
    public Dictionary<CaptureId, List<IFlowCaptureOperation>> CaptureDefinitions { get; private set; } = new();

    /// <summary>The local each flow capture of a local reads.</summary>
    public Dictionary<CaptureId, ILocalSymbol> CaptureLocals { get; private set; } = new();

    /// <summary>The PM key the method's own contract names (null: the receiver itself, or none).</summary>
    public ResourceKey? SelfPmKey { get; }

    /// <summary>The lock key the method's own contract names.</summary>
    public ResourceKey? SelfLockKey { get; }

    public bool TrustPmBody { get; }

    /// <summary>
    /// For a static method whose runtime-PM contract names no device and that has no single device parameter to bind
    /// it to: the device parameters it has (none, or several). Null otherwise.
    /// </summary>
    public IReadOnlyList<string>? UnboundStaticDevices { get; }

    public bool TrustLockBody { get; }

    /// <summary>Locks taken with a BCL monitor (lock statement): only [GuardedBy] cares about them.</summary>
    public HashSet<ResourceKey> MonitorKeys { get; } = new();

    /// <summary>The path of an expression, or null when it is not a plain access path.</summary>
    public string? PathOf(IOperation? operation) => Keys.PathOf(operation, CapturePaths);

    /// <summary>
    /// Drops what only the solver needs (caches, liveness, capture tables): the result of every body stays alive as
    /// long as the compilation's graphs do, so what it keeps is paid per body of the whole compilation.
    /// </summary>
    public void Seal()
    {
        _keyCache = new(CallKeyComparer.Instance);
        _subjects = new();
        LiveSubjects = null;
        CaptureDefinitions = new();
        CaptureLocals = new();
    }

    /// <summary>The PM key of a runtime-PM contract on <paramref name="invocation"/>.</summary>
    public ResourceKey? PmKeyFor(IInvocationOperation invocation, string? target) => CachedKey(invocation, target, isLock: false);

    /// <summary>The lock key of a memory_lock contract: the receiver's MemoryLock member, or the receiver itself when it is the lock.</summary>
    public ResourceKey? LockKeyFor(IInvocationOperation invocation, string? target) => CachedKey(invocation, target, isLock: true);

    /// <summary>The same keys without the cache, for rules reading a finished result from several threads.</summary>
    public ResourceKey? ComputeKey(IInvocationOperation invocation, string? target, bool isLock)
    {
        var path = isLock ? ComputeLockPath(invocation, target) : ContractForms.NormalizePmTarget(invocation.TargetMethod, target, Keys.KeyFor(invocation, target, CapturePaths));
        return path is null ? null : new ResourceKey(path);
    }

    // A call's key depends only on its syntax and the aliases/captures fixed before solving: remember it per call while
    // solving (the solver is single-threaded).
    private ResourceKey? CachedKey(IInvocationOperation invocation, string? target, bool isLock)
    {
        var cacheKey = (invocation, target, isLock);
        if (!_keyCache.TryGetValue(cacheKey, out var key))
        {
            key = ComputeKey(invocation, target, isLock);
            _keyCache[cacheKey] = key;
        }

        return key;
    }

    private string? ComputeLockPath(IInvocationOperation invocation, string? target)
    {
        if (target is not null)
        {
            return Keys.KeyFor(invocation, target, CapturePaths);
        }

        var receiverPath = invocation.Instance is null ? null : Keys.PathOf(invocation.Instance, CapturePaths);
        if (receiverPath is null)
        {
            return null;
        }

        return HasMemoryLockMember(invocation.TargetMethod.ContainingType) ? receiverPath + ".MemoryLock" : receiverPath;
    }

    public static bool HasMemoryLockMember(ITypeSymbol? type)
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

    private ResourceKey? SelfKey(string? target, bool isLock)
    {
        if (Method is null)
        {
            return null;
        }

        if (target is not null)
        {
            var head = ElementPaths.MemberName(target.Split('.')[0]);
            foreach (var p in Method.Parameters)
            {
                if (p.Name == head)
                {
                    return new ResourceKey(isLock ? target : ContractForms.NormalizePmTarget(Method, target, target)!);
                }
            }

            return new ResourceKey(isLock ? "this." + target : ContractForms.NormalizePmTarget(Method, target, "this." + target)!);
        }

        if (isLock)
        {
            return new ResourceKey(HasMemoryLockMember(Method.ContainingType) ? "this.MemoryLock" : "this");
        }

        return null;
    }

    // Identity of a (call, contract target, kind) triple for the key cache: the call by reference, the target string by
    // reference (contracts are cached, so one contract's target is one instance; another instance only misses the
    // cache).
    private sealed class CallKeyComparer : IEqualityComparer<(IInvocationOperation Call, string? Target, bool IsLock)>
    {
        public static readonly CallKeyComparer Instance = new();

        public bool Equals((IInvocationOperation Call, string? Target, bool IsLock) x, (IInvocationOperation Call, string? Target, bool IsLock) y) =>
            ReferenceEquals(x.Call, y.Call) && ReferenceEquals(x.Target, y.Target) && x.IsLock == y.IsLock;

        public int GetHashCode((IInvocationOperation Call, string? Target, bool IsLock) key) =>
            (System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Call) * 31) + (key.IsLock ? 1 : 0);
    }
}
