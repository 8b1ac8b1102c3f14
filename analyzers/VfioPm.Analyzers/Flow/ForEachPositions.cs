using Microsoft.CodeAnalysis;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// What a foreach does to a path state, position by position (see <see cref="ForEachLoops"/> for the loops themselves):
/// where its enumerator is created the position starts before the first element; MoveNext ends an iteration, folding what
/// is still counted on the variable into the collection's <see cref="ElementHold"/>, and moves on; where MoveNext is
/// false every element was visited; a test of the variable against a marker local relates this loop's position to the
/// one the marker names. Pure functions of the state: the loop's syntax is resolved by <see cref="ForEachLoops"/>.
/// </summary>
internal static class ForEachPositions
{
    /// <summary>Where the enumerator is created: the position starts before the first element.</summary>
    public static PathState Start(PathState state, ForEachLoop loop) =>
        state.WithIndexReassigned(loop.Position).WithFact(loop.Position, ValueSet.Single(-1));

    /// <summary>
    /// MoveNext: the current element's iteration is over. A count of one left on the variable is that element taken:
    /// the Prefix of the elements before it grows by one (from nothing on the first element); any other shape is
    /// Unknown. Then the position moves on.
    /// </summary>
    public static PathState Advance(PathState state, ForEachLoop loop, IOperation moveNext, System.Func<ResourceKey, IOperation?> lockSite)
    {
        var position = loop.Position;
        foreach (var kv in state.Pm)
        {
            if (kv.Value > 0 && loop.ElementKey(kv.Key) is { } element)
            {
                var site = state.Origins.TryGetValue(kv.Key, out var origin) ? origin.Site : moveNext;
                state = state.WithPm(kv.Key, 0).WithElements(element, Grown(state, element, position, kv.Value, site, isLock: false));
            }
        }

        foreach (var kv in state.Locks)
        {
            if (loop.ElementKey(kv.Key) is { } element)
            {
                // The acquire in the loop stays the hold's site: its contract says the mode every element is held in.
                state = state.WithLock(kv.Key, LockMode.None).WithElements(element, Grown(state, element, position, 1, lockSite(kv.Key) ?? moveNext, isLock: true));
            }
        }

        return state.WithIndexShifted(position, 1);
    }

    // The element at the position was taken: the Prefix grows when every element before it was taken too; when some may
    // have been skipped (or the position is not known exactly) at least this one is held (Partial).
    private static ElementHold Grown(PathState state, ResourceKey element, ValueKey position, int count, IOperation site, bool isLock)
    {
        var hold = state.ElementsOf(element);
        var first = hold is null && state.Facts.TryGetValue(position, out var at) && at.AsConstant == 0;
        var next = hold is { Kind: ElementHoldKind.Prefix, Offset: 0 } && hold.Index.Equals(position);
        if (count == 1 && (first || next))
        {
            return ElementHold.Prefix(position, 1, hold?.Site ?? site, isLock);
        }

        return count == 1 && (hold is null || (hold.Kind is ElementHoldKind.Prefix or ElementHoldKind.Partial && hold.Index.Equals(position)))
            ? ElementHold.Partial(position, hold?.Site ?? site, isLock)
            : ElementHold.Unknown(site, isLock);
    }

    /// <summary>
    /// MoveNext returned false: every element was visited. A Prefix that grew on every one is every element; a Suffix
    /// or an UpTo that kept pace is none (an unwind that never met its stop cannot happen: the stop is an element).
    /// </summary>
    public static PathState Exhausted(PathState state, ForEachLoop loop)
    {
        if (state.Facts.TryGetValue(loop.Position, out var at) && at.AsConstant == 0)
        {
            return Empty(state, loop.Collection); // no first element
        }

        foreach (var kv in state.Elements)
        {
            if (kv.Value.Index is { } i && i.Equals(loop.Position) && kv.Value.Offset >= 0)
            {
                state = kv.Value.Kind switch
                {
                    ElementHoldKind.Prefix => state.WithElements(kv.Key, ElementHold.All(kv.Value.Site, kv.Value.IsLock)),
                    ElementHoldKind.Suffix or ElementHoldKind.UpTo => state.WithElements(kv.Key, null),
                    _ => state,
                };
            }
        }

        return state;
    }

    /// <summary>
    /// A loop over <paramref name="collection"/> found it empty: what was held of it is held vacuously, and its Count is
    /// known to be 0 (a later loop over it does not run, whether or not anything was held).
    /// </summary>
    public static PathState Empty(PathState state, string collection)
    {
        foreach (var kv in state.Elements)
        {
            if (IsOf(kv.Key, collection))
            {
                state = state.WithElements(kv.Key, ElementHold.Vacuous(kv.Value.Site, kv.Value.IsLock));
            }
        }

        return state.WithFact(CountOf(collection), ValueSet.Zero);
    }

    /// <summary>Whether <paramref name="collection"/> is known to be empty on this path: a loop over it does not run.</summary>
    public static bool KnownEmpty(PathState state, string collection)
    {
        if (state.Facts.TryGetValue(CountOf(collection), out var count) && count.AsConstant == 0)
        {
            return true;
        }

        foreach (var kv in state.Elements)
        {
            if (kv.Value.Kind == ElementHoldKind.Vacuous && IsOf(kv.Key, collection))
            {
                return true;
            }
        }

        return false;
    }

    private static ValueKey CountOf(string collection) => ValueKey.Member(collection + ".Count");

    private static bool IsOf(ResourceKey element, string collection) => element.Path.StartsWith(collection + "[]", System.StringComparison.Ordinal);

    /// <summary>
    /// "cur == failed", where failed names the element at <paramref name="stop"/> of the same collection: the
    /// elements a finished taking loop holds ([0, stop) — it broke off at the failing one) are the ones this loop puts
    /// before it meets the stop. Where the test is true the unwind has reached the stop: with every earlier element put
    /// nothing is held (a put now is one too many); where it is false this iteration's element comes before the stop.
    /// </summary>
    public static (PathState? WhenTrue, PathState? WhenFalse) RefineMarker(PathState state, ForEachLoop loop, ValueKey stop)
    {
        // What the positions are known to be decides the test outright: the unwind's first element is the failing one
        // when the taking loop failed on its first.
        state.Facts.TryGetValue(loop.Position, out var here);
        state.Facts.TryGetValue(stop, out var there);
        if (here?.AsConstant is { } a && a == there?.AsConstant)
        {
            return (Reached(state, loop, stop), null);
        }

        var cannotMeet = here is not null && there is not null && !here.Overlaps(there);
        PathState whenTrue = state, whenFalse = state;
        foreach (var kv in state.Elements)
        {
            if (!kv.Key.Path.StartsWith(loop.Collection + "[]", System.StringComparison.Ordinal))
            {
                continue;
            }

            var hold = kv.Value;
            if (hold is { Kind: ElementHoldKind.Prefix, Offset: 0 } && hold.Index.Equals(stop)
                && state.Facts.TryGetValue(loop.Position, out var at) && at.AsConstant == 0)
            {
                hold = ElementHold.UpTo(loop.Position, 0, stop, hold.Site, hold.IsLock); // [0, stop) from the first element on
            }

            if (hold.Kind != ElementHoldKind.UpTo || !hold.Index.Equals(loop.Position) || !hold.Stop.Equals(stop))
            {
                continue;
            }

            whenTrue = whenTrue.WithElements(kv.Key, hold.Offset < 0 ? ElementHold.Partial(loop.Position, hold.Site, hold.IsLock) : ElementHold.Emptied(hold.Site, hold.IsLock));
            whenFalse = whenFalse.WithElements(kv.Key, hold with { BeforeStop = true });
        }

        return (cannotMeet ? null : whenTrue, whenFalse);
    }

    // The unwind met its stop with every element before it put: an UpTo (or the taking loop's Prefix, not yet taken
    // apart) is emptied.
    private static PathState Reached(PathState state, ForEachLoop loop, ValueKey stop)
    {
        foreach (var kv in state.Elements)
        {
            if (IsOf(kv.Key, loop.Collection) && (kv.Value.Kind == ElementHoldKind.UpTo ? kv.Value.Stop : kv.Value.Index) is { } s && s.Equals(stop)
                && kv.Value.Kind is ElementHoldKind.UpTo or ElementHoldKind.Prefix)
            {
                var emptied = kv.Value.Kind == ElementHoldKind.UpTo ? kv.Value.Offset >= 0 : kv.Value.Offset == 0;
                state = state.WithElements(kv.Key, emptied ? ElementHold.Emptied(kv.Value.Site, kv.Value.IsLock) : ElementHold.Partial(loop.Position, kv.Value.Site, kv.Value.IsLock));
            }
        }

        return state;
    }
}
