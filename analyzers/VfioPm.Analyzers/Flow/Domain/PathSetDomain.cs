using System.Collections.Generic;
using System.Linq;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The lattice the worklist runs on: a set of <see cref="PathState"/>s per program point (paths kept apart, as Sparse
/// keeps per-block contexts and Smatch keeps states per value set). Join is set union, bounded: when a point collects
/// more than <see cref="MaxStatesPerBlock"/> states, their value facts are dropped so paths that differ only in what is
/// known about values merge, and the remainder is cut. That bound trades precision for time, never soundness of the
/// finish: every method finishes, and a method over the bound degrades to "nothing known about values", which can only
/// keep states apart less — it never invents a reference or a lock.
/// </summary>
internal static class PathSetDomain
{
    /// <summary>States kept per block before value facts are forgotten.</summary>
    public const int MaxStatesPerBlock = 32;

    /// <summary>Joins <paramref name="arriving"/> into the set at <paramref name="ordinal"/>; true when it grew.</summary>
    public static bool Merge(HashSet<PathState>?[] inStates, int ordinal, IEnumerable<PathState> arriving)
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
            var merged = new HashSet<PathState>(set.Select(s => s.WithoutFacts()));
            set.Clear();
            foreach (var s in merged.Take(MaxStatesPerBlock))
            {
                set.Add(s);
            }
        }

        return changed;
    }
}
