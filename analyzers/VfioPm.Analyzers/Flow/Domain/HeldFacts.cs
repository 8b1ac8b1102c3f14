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
            // A memory_lock held per element (taken in a loop) counts as held; its mode is not kept.
            var m = s.Elements.TryGetValue(key, out var element) && element.IsLock ? LockMode.Exclusive : s.ModeOf(key);
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
            : s.Pm.Any(kv => kv.Value > 0) || s.Elements.Values.Any(e => !e.IsLock));

    /// <summary>
    /// A path where a runtime-PM reference is counted but the device is not known to be active: every reference held
    /// was taken by an acquire that keeps its count when the resume fails (get_sync, get) and whose result is not known
    /// to be a success on this path. Null when every path holds a reference to a device known active — or when what is
    /// known about the result was given up at a bound (then the count is trusted, as it was before results were kept).
    /// </summary>
    public static Origin? CountedButNotActive(IReadOnlyCollection<PathState> states)
    {
        foreach (var s in states)
        {
            Origin? inactive = null;
            var active = false;
            foreach (var kv in s.Pm)
            {
                if (kv.Value <= 0)
                {
                    continue;
                }

                // Only a single count is judged: the origin is the first acquire, and a second one may have resumed it.
                if (kv.Value == 1 && s.Origins.TryGetValue(kv.Key, out var origin) && origin.HeldOnFailure
                    && s.Facts.TryGetValue(ValueKey.Result(origin.Site), out var result) && result.Overlaps(ValueSet.Negative))
                {
                    inactive ??= origin;
                }
                else
                {
                    active = true;
                }
            }

            if (!active && inactive is not null)
            {
                return inactive;
            }
        }

        return null;
    }
}
