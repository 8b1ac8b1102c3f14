using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>A point the dataflow's observer saw: a call or member reference, with every path state reaching it then.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="States">A snapshot of the states.</param>
internal readonly record struct FlowPoint(IOperation Operation, IReadOnlyCollection<PathState> States);

/// <summary>
/// The solved dataflow of one body, immutable, read by every flow rule (possibly on several threads at once): the
/// findings, the points a rule can act on in the order the solver saw them, and the key helpers the rules name
/// resources with.
/// </summary>
internal sealed class FlowResult
{
    private readonly FlowBody _body;
    private readonly ImmutableArray<FlowPoint> _points;
    private readonly ImmutableHashSet<ResourceKey> _monitorKeys;
    private readonly Lazy<Dictionary<string, IOperation>> _memberReferences;

    public FlowResult(FlowBody body, ImmutableArray<FlowFinding> findings, ImmutableArray<FlowPoint> points)
    {
        _body = body;
        Findings = findings;
        _points = points;
        _monitorKeys = body.MonitorKeys.ToImmutableHashSet();
        _memberReferences = new Lazy<Dictionary<string, IOperation>>(MemberReferences, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>What was found.</summary>
    public ImmutableArray<FlowFinding> Findings { get; }

    /// <summary>The method's own contract.</summary>
    public MethodContract Self => _body.Self;

    /// <summary>The device parameters of a static method whose PM contract cannot be bound to one (see <see cref="FlowBody.UnboundStaticDevices"/>).</summary>
    public IReadOnlyList<string>? UnboundStaticDevices => _body.UnboundStaticDevices;

    /// <summary>True for a lock taken with a BCL monitor (lock statement): only [GuardedBy] cares about it.</summary>
    public bool IsMonitorKey(ResourceKey key) => _monitorKeys.Contains(key);

    /// <summary>The lock key of a memory_lock contract: the receiver's MemoryLock member, or the receiver itself when it is the lock.</summary>
    public ResourceKey? LockKeyFor(IInvocationOperation invocation, string? target) => _body.ComputeKey(invocation, target, isLock: true);

    /// <summary>The PM key of a runtime-PM contract on <paramref name="invocation"/>.</summary>
    public ResourceKey? PmKeyFor(IInvocationOperation invocation, string? target) => _body.ComputeKey(invocation, target, isLock: false);

    /// <summary>The path of an expression (for rules that key on field owners).</summary>
    public string? PathOf(IOperation operation) => _body.PathOf(operation);

    /// <summary>A field or property reference of the body whose path is <paramref name="path"/> (what an alias local was copied from), or null.</summary>
    public IOperation? MemberReferenceWithPath(string path) => _memberReferences.Value.TryGetValue(path, out var op) ? op : null;

    // The body's first field or property reference per path, built once on first use (rules read a result from several
    // threads; most bodies never ask).
    private Dictionary<string, IOperation> MemberReferences()
    {
        var references = new Dictionary<string, IOperation>(System.StringComparer.Ordinal);
        foreach (var block in _body.Cfg.Blocks)
        {
            var roots = block.BranchValue is null ? block.Operations : block.Operations.Add(block.BranchValue);
            foreach (var op in roots.SelectMany(ResourceKeys.Walk))
            {
                if (op is IFieldReferenceOperation or IPropertyReferenceOperation && _body.PathOf(op) is { } path && !references.ContainsKey(path))
                {
                    references[path] = op;
                }
            }
        }

        return references;
    }

    /// <summary>The mode every state holds the lock of every element a foreach variable's key stands for in (see <see cref="ForEachLoops"/>).</summary>
    public LockMode ElementLockMode(IInvocationOperation invocation, ResourceKey key, IReadOnlyCollection<PathState> states) => _body.ForEach.ElementLockMode(invocation, key, states);

    /// <summary>Whether <paramref name="state"/> holds the reference of the element a key on an enclosing foreach's variable names.</summary>
    public bool HoldsElementReference(IOperation site, ResourceKey key, PathState state) => _body.ForEach.HoldsElementReference(site, key, state);

    /// <summary>
    /// Whether <paramref name="state"/> may hold the reference of the element <paramref name="device"/> reads by an index
    /// ("devices[i].Pdev", or a copy "d = devices[i]" then "d.Pdev"): the per-element hold on <paramref name="key"/> has
    /// every element, or this index's element, or is one the holds cannot describe (unknown or partial: silent, never a
    /// guess — a get and put on each element in turn leaves the hold unknown after the first iteration).
    /// </summary>
    public bool MayHoldIndexedElement(IOperation device, ResourceKey key, PathState state)
    {
        if (state.Elements.IsEmpty || !ElementEffects.IsElementKey(key) || state.ElementsOf(key) is not { IsLock: false } hold)
        {
            return false;
        }

        if (hold.Kind is ElementHoldKind.All or ElementHoldKind.Unknown or ElementHoldKind.Partial)
        {
            return true;
        }

        return ResourceKeys.ElementIndexOf(device, _body.CaptureLocals, _body.CaptureDefinitions, _body.Keys) is { } index
            && _body.SubjectOfLocal(index).Equals(hold.Index) && hold.HoldsCurrent;
    }

    /// <summary>Feeds every recorded point to <paramref name="observer"/>, in the order the solver saw them.</summary>
    public void Replay(Action<FlowResult, IOperation, IReadOnlyCollection<PathState>> observer)
    {
        foreach (var point in _points)
        {
            observer(this, point.Operation, point.States);
        }
    }
}
