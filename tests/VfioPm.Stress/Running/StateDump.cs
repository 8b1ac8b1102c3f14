using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Running;

/// <summary>
/// What the watchdog prints on a hang: every function's power state and counts, every vfio device's locks and flags,
/// the workqueue, each thread's operation in flight and its last ones, and the end of the timeline. Parts that need a
/// lock come last and are gathered on a helper thread with a time limit, so a deadlocked lock cannot hang the dump.
/// </summary>
public static class StateDump
{
    /// <summary>How long the dump may take before it is cut short.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);

    /// <summary>Captures the dump.</summary>
    public static string Capture(StressMachine machine, IEnumerable<ThreadTrace> traces)
    {
        var text = new StringBuilder();
        var helper = new Thread(() => Fill(machine, traces.ToArray(), text)) { IsBackground = true, Name = "state-dump" };
        helper.Start();
        var complete = helper.Join(Limit);
        lock (text)
        {
            if (!complete)
            {
                text.AppendLine($"(dump cut short after {Limit.TotalSeconds:0} s: blocked on a lock held by a stuck thread)");
            }

            return text.ToString();
        }
    }

    private static void Fill(StressMachine machine, ThreadTrace[] traces, StringBuilder text)
    {
        void Line(string line)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }

        Line("threads:");
        foreach (var trace in traces)
        {
            Line("  " + trace.Describe().TrimEnd().Replace("\n", "\n  ", StringComparison.Ordinal));
        }

        // Lock-free read-outs first.
        Line("functions (status, usage, children, PCI state):");
        foreach (var f in machine.AllFunctions.ToArray())
        {
            Line($"  {f.Name,-14} {f.Power.Status,-10} usage={f.Power.UsageCount} children={f.Power.ChildCount} {f.CurrentState}");
        }

        Line($"PM workqueue: {machine.Environment.WorkQueue.PendingCount} pending");
        Line("vfio devices:");
        foreach (var d in machine.Devices)
        {
            var v = d.Vdev;
            Line($"  {d,-14} open={v.OpenCount} engaged={v.PmRuntimeEngaged} wakefd={v.HasWakeEventFd} sriov={v.SriovActive} irq={v.IrqType} "
                + $"files={d.Slots.Count(s => s.File is not null)} memory_lock: writer={v.MemoryLock.IsWriteLocked} readers={v.MemoryLock.ReaderCount}");
        }

        Line("last timeline entries:");
        foreach (var e in machine.Platform.Timeline.TakeLast(40))
        {
            Line($"  {e.Time.TotalMilliseconds,10:0.0} ms {e.Kind,-13} {e.Device,-14} {e.Detail}");
        }

        // These take the power lock.
        Line("runtime PM (locked read-outs):");
        foreach (var f in machine.AllFunctions.ToArray())
        {
            Line($"  {f.Power} pending={f.Power.RequestPending} status={f.Power.RuntimeStatusText}");
        }
    }
}
