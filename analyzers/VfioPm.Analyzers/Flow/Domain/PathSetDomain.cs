using System.Collections.Generic;
using System.Linq;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The lattice the worklist runs on: a set of <see cref="PathState"/>s per program point (paths kept apart, as Sparse
/// keeps per-block contexts and Smatch keeps states per value set). Join is set union, bounded: when a point collects
/// more than <see cref="MaxStatesPerBlock"/> states, paths holding the same resources merge with their value facts
/// joined (union per subject), then the facts about locals, parameters and members are dropped, then those about call
/// results; the remainder is cut. That bound trades precision for time, never soundness of the
/// finish: every method finishes, and a method over the bound degrades to "nothing known about values", which can only
/// keep states apart less — it never invents a reference or a lock.
/// </summary>
internal static class PathSetDomain
{
    /// <summary>States kept per block before value facts are forgotten.</summary>
    public const int MaxStatesPerBlock = 32;

    private static PathState? SameResources(HashSet<PathState> set, PathState state)
    {
        var shape = state.WithoutFacts();
        foreach (var s in set)
        {
            if (s.WithoutFacts().Equals(shape))
            {
                return s;
            }
        }

        return null;
    }

    private static HashSet<PathState> JoinByResources(HashSet<PathState> set)
    {
        var byResources = new Dictionary<PathState, PathState>();
        foreach (var s in set)
        {
            var shape = s.WithoutFacts();
            byResources[shape] = byResources.TryGetValue(shape, out var joined) ? joined.JoinFacts(s) : s;
        }

        return new HashSet<PathState>(byResources.Values);
    }

    /// <summary>Joins <paramref name="arriving"/> into the set at <paramref name="ordinal"/>; true when it grew.</summary>
    public static bool Merge(HashSet<PathState>?[] inStates, int ordinal, IEnumerable<PathState> arriving, bool widen = false)
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
            if (widen && !set.Contains(s) && SameResources(set, s) is { } existing)
            {
                // A loop head seen often enough: the arriving state replaces the one with the same resources, its
                // facts widened, so counting loops settle.
                var widened = existing.WidenFacts(s);
                if (!widened.Equals(existing))
                {
                    set.Remove(existing);
                    set.Add(widened);
                    changed = true;
                }

                continue;
            }

            changed |= set.Add(s);
        }

        if (set.Count > MaxStatesPerBlock)
        {
            // Paths that hold the same resources merge, each value fact widened to the union of theirs (Smatch's merge
            // per value set); then, if still too many, what is known about locals and members is dropped, then what is
            // known about call results.
            var merged = JoinByResources(set);
            if (merged.Count > MaxStatesPerBlock)
            {
                merged = new HashSet<PathState>(merged.Select(s => s.WithoutSubjectFacts()));
            }

            if (merged.Count > MaxStatesPerBlock)
            {
                merged = new HashSet<PathState>(merged.Select(s => s.WithoutFacts()));
            }

            set.Clear();
            foreach (var s in merged.Take(MaxStatesPerBlock))
            {
                set.Add(s);
            }
        }

        return changed;
    }
}
