using System;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

/// <summary>
/// A deterministic platform (manual clock and workqueue) driven by a single-threaded replay: after each operation the PM
/// work it queued runs to completion, and a pause moves the clock (40 ms a tick, so port autosuspend can fire).
/// </summary>
public sealed class ReplayPace : IPace
{
    /// <inheritdoc/>
    public bool Concurrent => false;

    /// <inheritdoc/>
    public void AfterOperation(StressMachine machine) => machine.Platform.RunWork();

    /// <inheritdoc/>
    public void Pause(StressMachine machine, int ticks) => machine.Platform.Settle(TimeSpan.FromMilliseconds(40 * ticks));

    /// <inheritdoc/>
    public bool Quiesce(StressMachine machine, TimeSpan timeout)
    {
        machine.Platform.Settle(TimeSpan.FromSeconds(1));
        return machine.Platform.Queue?.PendingCount is null or 0;
    }
}
