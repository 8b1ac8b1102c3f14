using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using VfioPm.Runtime.Power;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

/// <summary>The system clock and the thread-pool PM workqueue: nothing to pump, pauses really sleep.</summary>
public sealed class RealTimePace : IPace
{
    /// <inheritdoc/>
    public bool Concurrent => true;

    // Longer than the port autosuspend delay (100 ms), so a settled tree has had time to reach its root.
    private static readonly TimeSpan StableFor = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc/>
    public void AfterOperation(StressMachine machine)
    {
    }

    /// <inheritdoc/>
    public void Pause(StressMachine machine, int ticks)
    {
        if (ticks == 0)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(ticks);
        }
    }

    /// <inheritdoc/>
    public bool Quiesce(StressMachine machine, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = Snapshot(machine);
        var stableSince = clock.Elapsed;
        while (clock.Elapsed < timeout)
        {
            machine.Environment.WorkQueue.WaitForIdle(timeout - clock.Elapsed);
            Thread.Sleep(25);
            var now = Snapshot(machine);
            if (now != last || !machine.Environment.WorkQueue.IsIdle)
            {
                last = now;
                stableSince = clock.Elapsed;
            }
            else if (clock.Elapsed - stableSince >= StableFor)
            {
                return true;
            }
        }

        return false;
    }

    private static string Snapshot(StressMachine machine) =>
        string.Join(';', machine.AllFunctions.Select(f => $"{f.Power.Status}/{f.CurrentState}/{f.Power.UsageCount}"));
}
