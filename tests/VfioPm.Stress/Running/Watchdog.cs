using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace VfioPm.Stress.Running;

/// <summary>
/// Turns a hang into a failure: while threads run, checks every trace for an operation in flight longer than the limit
/// (a deadlock or a lost wake-up). It does not kill anything — stuck threads are background threads.
/// </summary>
public static class Watchdog
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits for <paramref name="threads"/> to finish.</summary>
    /// <returns>The trace of the first thread found stuck, or <see langword="null"/> when all finished.</returns>
    public static ThreadTrace? Wait(IReadOnlyList<Thread> threads, IReadOnlyList<ThreadTrace> traces, TimeSpan limit)
    {
        while (threads.Any(t => t.IsAlive))
        {
            threads.First(t => t.IsAlive).Join(Poll);
            var stuck = traces.FirstOrDefault(t => t.InFlightFor > limit);
            if (stuck is not null)
            {
                return stuck;
            }
        }

        return null;
    }
}
