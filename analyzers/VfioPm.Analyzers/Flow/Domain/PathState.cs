using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>Where a tracked resource was taken, for messages and for the GetSync rule.</summary>
/// <param name="Site">The acquiring operation.</param>
/// <param name="HeldOnFailure">The acquire keeps its reference when it fails (get_sync).</param>
/// <param name="Via">The last goto the path took while holding it: where a leak entered an unwind chain.</param>
internal sealed record Origin(IOperation Site, bool HeldOnFailure, SyntaxNode? Via = null);

/// <summary>A scope object (a <c>using</c>-able guard) and what its Dispose releases.</summary>
/// <param name="IsLock">True for a memory_lock guard, false for a runtime-PM reference scope.</param>
/// <param name="Key">The resource it releases.</param>
internal sealed record ScopeBinding(bool IsLock, ResourceKey Key);

/// <summary>
/// One path's view of the world at a program point: runtime-PM counts (relative to method entry) and memory_lock
/// holds per receiver expression, what is known about tracked result values, and which locals/captures hold them.
/// Immutable and structurally comparable, so a set of states reaches a fixed point.
/// </summary>
internal sealed class PathState
{
    /// <summary>Counts are clamped to this range so loops reach a fixed point (-1 = underflowed, 2 = two or more).</summary>
    public const int MinCount = -1;
    public const int MaxCount = 2;

    public static readonly PathState Empty = new(
        ImmutableDictionary<ResourceKey, int>.Empty,
        ImmutableDictionary<ResourceKey, LockMode>.Empty,
        ImmutableDictionary<ValueKey, ValueSet>.Empty,
        ImmutableDictionary<ValueKey, ValueKey>.Empty,
        ImmutableDictionary<ResourceKey, Origin>.Empty,
        ImmutableDictionary<ValueKey, ScopeBinding>.Empty,
        ImmutableDictionary<ResourceKey, ElementHold>.Empty);

    private int? _hash;

    public PathState(
        ImmutableDictionary<ResourceKey, int> pm,
        ImmutableDictionary<ResourceKey, LockMode> locks,
        ImmutableDictionary<ValueKey, ValueSet> facts,
        ImmutableDictionary<ValueKey, ValueKey> values,
        ImmutableDictionary<ResourceKey, Origin> origins,
        ImmutableDictionary<ValueKey, ScopeBinding> scopes,
        ImmutableDictionary<ResourceKey, ElementHold> elements)
    {
        Elements = elements;
        Pm = pm;
        Locks = locks;
        Facts = facts;
        Values = values;
        Origins = origins;
        Scopes = scopes;
    }

    /// <summary>Runtime-PM reference count delta per device expression (absent = 0).</summary>
    public ImmutableDictionary<ResourceKey, int> Pm { get; }

    /// <summary>memory_lock mode held per lock expression (absent = not held).</summary>
    public ImmutableDictionary<ResourceKey, LockMode> Locks { get; }

    /// <summary>What is known about values: acquire results, tested locals, parameters and member paths (absent = anything).</summary>
    public ImmutableDictionary<ValueKey, ValueSet> Facts { get; }

    /// <summary>Which tracked result a local (ILocalSymbol) or flow capture (CaptureId) currently holds.</summary>
    public ImmutableDictionary<ValueKey, ValueKey> Values { get; }

    /// <summary>Where each held PM reference was taken.</summary>
    public ImmutableDictionary<ResourceKey, Origin> Origins { get; }

    /// <summary>Scope objects (keyed by their producing operation) and what they release.</summary>
    public ImmutableDictionary<ValueKey, ScopeBinding> Scopes { get; }

    /// <summary>
    /// Per collection resource ("devices[].Pdev.Power", "pds[].MemoryLock"): which elements this path holds (absent =
    /// none). See <see cref="ElementHold"/>.
    /// </summary>
    public ImmutableDictionary<ResourceKey, ElementHold> Elements { get; }

    public ElementHold? ElementsOf(ResourceKey key) => Elements.TryGetValue(key, out var hold) ? hold : null;

    public PathState WithElements(ResourceKey key, ElementHold? hold) =>
        With(Pm, Locks, Facts, Values, Origins, Scopes, hold is null ? Elements.Remove(key) : Elements.SetItem(key, hold));

    public int CountOf(ResourceKey key) => Pm.TryGetValue(key, out var c) ? c : 0;

    public LockMode ModeOf(ResourceKey key) => Locks.TryGetValue(key, out var m) ? m : LockMode.None;

    // Every With* returns this state itself when nothing changes: a no-op step (a flow capture of an untracked value,
    // the most common operation) then allocates nothing and keeps the cached hash.
    public PathState WithPm(ResourceKey key, int count, Origin? origin = null)
    {
        count = count < MinCount ? MinCount : count > MaxCount ? MaxCount : count;
        var pm = count == 0 ? Pm.Remove(key) : Pm.SetItem(key, count);
        var origins = count <= 0 ? Origins.Remove(key) : origin is not null && !Origins.ContainsKey(key) ? Origins.SetItem(key, origin) : Origins;
        return With(pm, Locks, Facts, Values, origins, Scopes);
    }

    public PathState WithLock(ResourceKey key, LockMode mode) =>
        With(Pm, mode == LockMode.None ? Locks.Remove(key) : Locks.SetItem(key, mode), Facts, Values, Origins, Scopes);

    /// <summary>This path takes the goto <paramref name="via"/>: every resource it holds entered the label there.</summary>
    public PathState WithOriginsVia(SyntaxNode via)
    {
        if (Origins.IsEmpty)
        {
            return this;
        }

        var origins = Origins;
        foreach (var kv in Origins)
        {
            origins = origins.SetItem(kv.Key, kv.Value with { Via = via });
        }

        return With(Pm, Locks, Facts, Values, origins, Scopes);
    }

    public PathState WithFact(ValueKey value, ValueSet values) => With(Pm, Locks, Facts.SetItem(value, values), Values, Origins, Scopes);

    public PathState WithValue(ValueKey holder, ValueKey? value) =>
        With(Pm, Locks, Facts, value is not { } v ? Values.Remove(holder) : Values.SetItem(holder, v), Origins, Scopes);

    public PathState WithScope(ValueKey value, ScopeBinding binding) => With(Pm, Locks, Facts, Values, Origins, Scopes.SetItem(value, binding));

    public PathState WithoutFact(ValueKey value) => With(Pm, Locks, Facts.Remove(value), Values, Origins, Scopes);

    /// <summary>Forgets what is known about a member path and every path under it (it was assigned).</summary>
    public PathState WithoutMemberFacts(string path)
    {
        if (Facts.IsEmpty)
        {
            return this;
        }

        var facts = Facts;
        foreach (var key in Facts.Keys)
        {
            if (key.Kind == ValueKeyKind.Member && new ResourceKey((string)key.Identity).StartsWith(path))
            {
                facts = facts.Remove(key);
            }
        }

        return With(Pm, Locks, facts, Values, Origins, Scopes);
    }

    /// <summary>Forgets the facts about <paramref name="tracked"/> subjects that are not <paramref name="live"/>.</summary>
    public PathState WithoutDeadFacts(HashSet<ValueKey> tracked, HashSet<ValueKey> live, HashSet<ValueKey> keep)
    {
        if (Facts.IsEmpty)
        {
            return this;
        }

        var facts = Facts;
        foreach (var key in Facts.Keys)
        {
            if (key.Kind != ValueKeyKind.Result && tracked.Contains(key) && !live.Contains(key) && !keep.Contains(key))
            {
                facts = facts.Remove(key);
            }
        }

        return With(Pm, Locks, facts, Values, Origins, Scopes);
    }

    /// <summary>
    /// The join of two states that differ only in value facts (<see cref="WithoutFacts"/> equal): per subject known in
    /// both, the union of what each knew; a subject known in one only is not known.
    /// </summary>
    public PathState JoinFacts(PathState other)
    {
        var facts = ImmutableDictionary<ValueKey, ValueSet>.Empty;
        foreach (var kv in Facts)
        {
            if (other.Facts.TryGetValue(kv.Key, out var theirs))
            {
                facts = facts.SetItem(kv.Key, kv.Value.Union(theirs));
            }
        }

        return With(Pm, Locks, facts, Values, Origins, Scopes);
    }

    /// <summary>
    /// <see cref="JoinFacts"/> with widening (<see cref="ValueSet.Widen"/>): this is the state already at a loop head,
    /// <paramref name="next"/> the one arriving around the loop.
    /// </summary>
    public PathState WidenFacts(PathState next)
    {
        var facts = ImmutableDictionary<ValueKey, ValueSet>.Empty;
        foreach (var kv in Facts)
        {
            if (next.Facts.TryGetValue(kv.Key, out var theirs))
            {
                facts = facts.SetItem(kv.Key, ValueSet.Widen(kv.Value, theirs));
            }
        }

        return With(Pm, Locks, facts, Values, Origins, Scopes);
    }

    /// <summary>Shifts what is known about <paramref name="index"/> by <paramref name="delta"/> ("i++"), and the element holds counted from it.</summary>
    public PathState WithIndexShifted(ValueKey index, long delta)
    {
        var facts = Facts.TryGetValue(index, out var known) ? Facts.SetItem(index, known.Shift(delta)) : Facts;
        var elements = Elements;
        foreach (var kv in Elements)
        {
            if (kv.Value.Index is { } i && i.Equals(index) && kv.Value.Kind is ElementHoldKind.Prefix or ElementHoldKind.Suffix or ElementHoldKind.UpTo)
            {
                // A new element: whether it comes before an unwind's stop is not known until the loop tests it.
                elements = elements.SetItem(kv.Key, kv.Value with { Offset = (int)(kv.Value.Offset - delta), BeforeStop = false });
            }
        }

        return With(Pm, Locks, facts, Values, Origins, Scopes, elements);
    }

    /// <summary>"to = from + offset": element holds counted from <paramref name="from"/> are counted from <paramref name="to"/>.</summary>
    public PathState WithIndexRebased(ValueKey from, ValueKey to, long offset)
    {
        var elements = Elements;
        foreach (var kv in Elements)
        {
            if (kv.Value.Index is { } i && i.Equals(from) && kv.Value.Kind is ElementHoldKind.Prefix or ElementHoldKind.Suffix)
            {
                elements = elements.SetItem(kv.Key, kv.Value with { Index = to, Offset = (int)(kv.Value.Offset - offset) });
            }
        }

        return With(Pm, Locks, Facts, Values, Origins, Scopes, elements);
    }

    /// <summary>
    /// The index local was assigned: element holds counted from it are resolved with what was known about it (empty
    /// if it proves nothing was held) or become Unknown.
    /// </summary>
    public PathState WithIndexReassigned(ValueKey index)
    {
        if (Elements.IsEmpty)
        {
            return this;
        }

        var elements = Elements;
        Facts.TryGetValue(index, out var known);
        foreach (var kv in Elements)
        {
            if (kv.Value.Stop is { } stop && stop.Equals(index))
            {
                elements = elements.SetItem(kv.Key, ElementHold.Unknown(kv.Value.Site, kv.Value.IsLock)); // the stop moved
            }
            else if (kv.Value.Index is { } i && i.Equals(index))
            {
                elements = kv.Value.Kind == ElementHoldKind.Prefix && known is { IsEmpty: false } && known.Max != long.MaxValue && known.Max + kv.Value.Offset <= 0
                    ? elements.Remove(kv.Key)
                    : elements.SetItem(kv.Key, ElementHold.Unknown(kv.Value.Site, kv.Value.IsLock));
            }
        }

        return With(Pm, Locks, Facts, Values, Origins, Scopes, elements);
    }

    /// <summary>
    /// The collection whose last element <paramref name="index"/> was set to on this path ("cur = X.Count - 1", not
    /// moved since), from its <see cref="ValueKeyKind.Marker"/>; null otherwise.
    /// </summary>
    public string? LastElementOf(ILocalSymbol index)
    {
        if (Values.TryGetValue(ValueKey.Marker(index), out var named) && named.Kind == ValueKeyKind.Member && named.Identity is string count
            && count.EndsWith(".Count", System.StringComparison.Ordinal))
        {
            return count.Substring(0, count.Length - 6);
        }

        return null;
    }

    /// <summary>Forgets the facts about locals, parameters and members, keeping those about call results.</summary>
    public PathState WithoutSubjectFacts()
    {
        var facts = Facts;
        foreach (var key in Facts.Keys)
        {
            if (key.Kind != ValueKeyKind.Result)
            {
                facts = facts.Remove(key);
            }
        }

        return With(Pm, Locks, facts, Values, Origins, Scopes);
    }

    /// <summary>Forgets value facts (used when too many paths must be merged).</summary>
    public PathState WithoutFacts() =>
        With(Pm, Locks, ImmutableDictionary<ValueKey, ValueSet>.Empty, Values, Origins, Scopes);

    private PathState With(
        ImmutableDictionary<ResourceKey, int> pm,
        ImmutableDictionary<ResourceKey, LockMode> locks,
        ImmutableDictionary<ValueKey, ValueSet> facts,
        ImmutableDictionary<ValueKey, ValueKey> values,
        ImmutableDictionary<ResourceKey, Origin> origins,
        ImmutableDictionary<ValueKey, ScopeBinding> scopes) =>
        With(pm, locks, facts, values, origins, scopes, Elements);

    private PathState With(
        ImmutableDictionary<ResourceKey, int> pm,
        ImmutableDictionary<ResourceKey, LockMode> locks,
        ImmutableDictionary<ValueKey, ValueSet> facts,
        ImmutableDictionary<ValueKey, ValueKey> values,
        ImmutableDictionary<ResourceKey, Origin> origins,
        ImmutableDictionary<ValueKey, ScopeBinding> scopes,
        ImmutableDictionary<ResourceKey, ElementHold> elements) =>
        pm == Pm && locks == Locks && facts == Facts && values == Values && origins == Origins && scopes == Scopes && elements == Elements
            ? this
            : new PathState(pm, locks, facts, values, origins, scopes, elements);

    /// <summary>Resolves a local/capture/operation to the tracked result it stands for.</summary>
    public ValueKey? Resolve(ValueKey holderOrValue)
    {
        var current = holderOrValue;
        for (var i = 0; i < 8 && Values.TryGetValue(current, out var next); i++)
        {
            current = next;
        }

        return Facts.ContainsKey(current) || Scopes.ContainsKey(current) ? current : null;
    }

    public override bool Equals(object? obj) =>
        ReferenceEquals(this, obj)
        || obj is PathState other
        && GetHashCode() == other.GetHashCode()
        && SameEntries(Pm, other.Pm)
        && SameEntries(Locks, other.Locks)
        && SameEntries(Facts, other.Facts)
        && SameEntries(Values, other.Values)
        && SameEntries(Scopes, other.Scopes)
        && SameEntries(Elements, other.Elements)
        && SameKeys(Origins, other.Origins);

    public override int GetHashCode()
    {
        if (_hash is { } h)
        {
            return h;
        }

        var hash = 17;
        foreach (var kv in Pm)
        {
            hash ^= (kv.Key.GetHashCode() * 31) + kv.Value;
        }

        foreach (var kv in Locks)
        {
            hash ^= (kv.Key.GetHashCode() * 37) + (int)kv.Value;
        }

        foreach (var kv in Facts)
        {
            hash ^= (kv.Key.GetHashCode() * 41) + kv.Value.GetHashCode();
        }

        foreach (var kv in Elements)
        {
            hash ^= (kv.Key.GetHashCode() * 53) + kv.Value.GetHashCode();
        }

        hash ^= Values.Count * 43 + Scopes.Count * 47;
        _hash = hash;
        return hash;
    }

    private static bool SameEntries<TKey, TValue>(ImmutableDictionary<TKey, TValue> a, ImmutableDictionary<TKey, TValue> b)
        where TKey : notnull
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var kv in a)
        {
            if (!b.TryGetValue(kv.Key, out var v) || !EqualityComparer<TValue>.Default.Equals(kv.Value, v))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameKeys<TValue>(ImmutableDictionary<ResourceKey, TValue> a, ImmutableDictionary<ResourceKey, TValue> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var k in a.Keys)
        {
            if (!b.ContainsKey(k))
            {
                return false;
            }
        }

        return true;
    }
}
