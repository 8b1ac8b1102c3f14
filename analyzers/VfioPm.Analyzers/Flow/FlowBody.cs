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
internal sealed class FlowBody
{
    private readonly Dictionary<(IInvocationOperation, string?, bool), ResourceKey?> _keyCache = new(CallKeyComparer.Instance);

    public FlowBody(ControlFlowGraph cfg, IMethodSymbol? method, ContractReader contracts)
    {
        Cfg = cfg;
        Method = method;
        Contracts = contracts;
        Self = method is null ? MethodContract.Empty : contracts.For(method);
        Keys = new ResourceKeys(ResourceKeys.FindAliases(cfg.Blocks.SelectMany(b => b.Operations.Concat(b.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { b.BranchValue }))));
        SelfPmKey = SelfKey(Self.AcquiresPm ? Self.AcquiresPmTarget : Self.ReleasesPmTarget, isLock: false);
        SelfLockKey = SelfKey(Self.AcquiresLock != LockMode.None ? Self.AcquiresLockTarget : Self.ReleasesLock ? Self.ReleasesLockTarget : Self.RequiresLockTarget, isLock: true);

        // Clang's rule: a contract on the receiver itself ("this" is the resource) describes a primitive whose body is
        // trusted, not checked (RuntimePm.Get, MemoryLock.DownWrite, a file's own get/put wrappers).
        TrustPmBody = (Self.AcquiresPm && Self.AcquiresPmTarget is null) || (Self.ReleasesPm && Self.ReleasesPmTarget is null);
        TrustLockBody = method is not null && !HasMemoryLockMember(method.ContainingType)
            && ((Self.AcquiresLock != LockMode.None && Self.AcquiresLockTarget is null) || (Self.ReleasesLock && Self.ReleasesLockTarget is null));

        foreach (var block in cfg.Blocks)
        {
            foreach (var op in block.Operations.SelectMany(ResourceKeys.Walk))
            {
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
    }

    public ControlFlowGraph Cfg { get; }

    public IMethodSymbol? Method { get; }

    public ContractReader Contracts { get; }

    /// <summary>The method's own contract.</summary>
    public MethodContract Self { get; }

    public ResourceKeys Keys { get; }

    /// <summary>The path each flow capture of a plain access path stands for.</summary>
    public Dictionary<CaptureId, string> CapturePaths { get; } = new();

    /// <summary>The local each flow capture of a local reads.</summary>
    public Dictionary<CaptureId, ILocalSymbol> CaptureLocals { get; } = new();

    /// <summary>The PM key the method's own contract names (null: the receiver itself, or none).</summary>
    public ResourceKey? SelfPmKey { get; }

    /// <summary>The lock key the method's own contract names.</summary>
    public ResourceKey? SelfLockKey { get; }

    public bool TrustPmBody { get; }

    public bool TrustLockBody { get; }

    /// <summary>Locks taken with a BCL monitor (lock statement): only [GuardedBy] cares about them.</summary>
    public HashSet<ResourceKey> MonitorKeys { get; } = new();

    /// <summary>The path of an expression, or null when it is not a plain access path.</summary>
    public string? PathOf(IOperation? operation) => Keys.PathOf(operation, CapturePaths);

    /// <summary>The PM key of a runtime-PM contract on <paramref name="invocation"/>.</summary>
    public ResourceKey? PmKeyFor(IInvocationOperation invocation, string? target) => CachedKey(invocation, target, isLock: false);

    /// <summary>The lock key of a memory_lock contract: the receiver's MemoryLock member, or the receiver itself when it is the lock.</summary>
    public ResourceKey? LockKeyFor(IInvocationOperation invocation, string? target) => CachedKey(invocation, target, isLock: true);

    /// <summary>The same keys without the cache, for rules reading a finished result from several threads.</summary>
    public ResourceKey? ComputeKey(IInvocationOperation invocation, string? target, bool isLock)
    {
        var path = isLock ? ComputeLockPath(invocation, target) : Keys.KeyFor(invocation, target, CapturePaths);
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
            var head = target.Split('.')[0];
            foreach (var p in Method.Parameters)
            {
                if (p.Name == head)
                {
                    return new ResourceKey(target);
                }
            }

            return new ResourceKey("this." + target);
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
