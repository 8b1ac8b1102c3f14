using System.Collections.Generic;
using System.Linq;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>What holds on every path reaching a point (Clang's lockset intersection).</summary>
internal static class HeldFacts
{
    /// <summary>The weakest mode <paramref name="key"/> is held in across all paths (None if some path does not hold it).</summary>
    public static LockMode MustMode(IReadOnlyCollection<PathState> states, ResourceKey key)
    {
        var mode = LockMode.Exclusive;
        foreach (var s in states)
        {
            var m = s.ModeOf(key);
            if (m < mode)
            {
                mode = m;
            }
        }

        return states.Count == 0 ? LockMode.None : mode;
    }

    /// <summary>Locks held on every path (any key), with the weakest mode.</summary>
    public static IEnumerable<KeyValuePair<ResourceKey, LockMode>> MustLocks(IReadOnlyCollection<PathState> states)
    {
        if (states.Count == 0)
        {
            yield break;
        }

        foreach (var key in states.First().Locks.Keys)
        {
            var mode = MustMode(states, key);
            if (mode != LockMode.None)
            {
                yield return new KeyValuePair<ResourceKey, LockMode>(key, mode);
            }
        }
    }

    /// <summary>True when some runtime-PM reference (or the caller's, for a [ReleasesPmReference] method) is held on every path.</summary>
    public static bool MustHoldPm(IReadOnlyCollection<PathState> states, ResourceKey? key) =>
        states.Count > 0 && states.All(s => key is { } k
            ? s.CountOf(k) > 0 || s.CountOf(ResourceKey.ContractCredit) > 0
            : s.Pm.Any(kv => kv.Value > 0));
}
