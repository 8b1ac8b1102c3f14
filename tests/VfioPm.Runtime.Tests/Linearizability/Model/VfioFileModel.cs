using System.Collections.Generic;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.Linearizability.Model;

/// <summary>
/// The sequential reference model of one open vfio-pci device as a hypervisor sees it, written from spec §2.1–2.2,
/// §3.4–3.9 and §5.7: the function's usage count, <c>pm_runtime_engaged</c>, the wake eventfd (armed by feature 4,
/// signalled by the first runtime resume, once), whether the function is runtime-suspended, whether an idle request
/// waits on the PM workqueue, and the user's BAR mapping.
/// </summary>
/// <remarks>
/// <para>Scope: two files (A, which stays open and carries the mapping, and B, which may be closed — never the last
/// close), memory decode enabled by the user, no INTx, no SR-IOV, a slot without platform D3cold (so <c>lspci</c>
/// reads config space in D3hot and never resumes the function). The root port above follows the function down and
/// up; nothing here observes it. The function suspends only through its idle request
/// (<see cref="RunWorkSteps"/>), and only with no reference held, which needs low power engaged (the open reference
/// is given up only by an entry).</para>
/// <para>Segments (ModelStep.cs) are where the kernel lets others in: the ioctl wrapper's
/// <c>pm_runtime_resume_and_get</c> (count first, then the locked resume), the handler under <c>memory_lock</c>, and
/// <c>pm_runtime_put</c> (drop first, then the locked idle).</para>
/// </remarks>
internal sealed class VfioFileModel
{
    public int Usage = 1; // the open reference
    public bool Engaged;
    public bool WakeArmed;
    public int WakeSignals;
    public RpmStatus Status = RpmStatus.Active;
    public bool WorkQueued;
    public bool IdleRequested;
    public bool IdleNotification; // the PCI bus idle callback is running (lock dropped)
    public bool Mapped = true; // the setup touched the mapping once
    public bool FileBOpen = true;

    /// <summary>A copy of this state.</summary>
    public VfioFileModel Copy() => (VfioFileModel)MemberwiseClone();

    /// <summary>What the hypervisor and the host can observe.</summary>
    public VfioObservation Observe() => new(Usage, Engaged, WakeSignals, Status, Mapped, FileBOpen);

    /// <inheritdoc/>
    public override string ToString() => Observe().ToString();

    /// <summary>VFIO_DEVICE_GET_INFO through file A (or B): the wrapper around a handler that changes nothing.</summary>
    public IEnumerable<ModelStep> GetInfoSteps(bool fileB, ResultCell result) =>
        Ioctl(fileB, () => 0, result);

    /// <summary>VFIO_DEVICE_FEATURE SET LOW_POWER_ENTRY (3), or ENTRY_WITH_WAKEUP (4) with a fresh eventfd (§3.5).</summary>
    public IEnumerable<ModelStep> EntrySteps(bool withWakeup, ResultCell result) =>
        Ioctl(false, () =>
        {
            Mapped = false; // every mapping is zapped first, even when the entry is refused
            if (Engaged)
            {
                return -Errno.EINVAL;
            }

            Engaged = true;
            WakeArmed = withWakeup;
            PutNoIdle(); // the open reference
            return 0;
        }, result);

    /// <summary>VFIO_DEVICE_FEATURE SET LOW_POWER_EXIT (5): always 0; re-takes the open reference if engaged.</summary>
    public IEnumerable<ModelStep> ExitSteps(ResultCell result) =>
        Ioctl(false, () =>
        {
            Exit();
            return 0;
        }, result);

    /// <summary>read() of 4 bytes of config space through file A (§3.8): resume_and_get, read, put.</summary>
    public IEnumerable<ModelStep> ConfigReadSteps(ResultCell result) => Ioctl(false, () => 4, result);

    /// <summary>A CPU load through the BAR mapping (§3.9): SIGBUS (1) while engaged; else the fault maps it (0).</summary>
    public IEnumerable<ModelStep> MmapAccessSteps(ResultCell result)
    {
        if (!Mapped && (Engaged || Status != RpmStatus.Active))
        {
            result.Value = 1;
            yield break;
        }

        Mapped = true;
        result.Value = 0;
    }

    /// <summary>close() of file B: not the last close, so nothing but the file goes away.</summary>
    public IEnumerable<ModelStep> CloseBSteps(ResultCell result)
    {
        FileBOpen = false;
        result.Value = 0;
        yield break;
    }

    /// <summary>
    /// Host <c>lspci</c> through sysfs (§5.7): get_noresume, the barrier (which cancels a pending request), no resume
    /// (D3hot answers config reads), put. Returns the byte count.
    /// </summary>
    public IEnumerable<ModelStep> LspciSteps(ResultCell result)
    {
        yield return ModelStep.Boundary; // the parent's get_sync
        Usage++;
        yield return ModelStep.Boundary; // get_noresume, then the barrier under the lock
        if (WorkQueued)
        {
            IdleRequested = false;
            yield return ModelStep.Boundary; // cancel_work_sync with the lock dropped
            WorkQueued = false;
        }

        yield return ModelStep.Boundary;
        result.Value = 4; // the config read
        foreach (var step in Put())
        {
            yield return step;
        }
    }

    /// <summary>
    /// The PM workqueue's worker, pumped until idle (returns 0). An idle request runs <c>rpm_idle</c>: the PCI bus idle
    /// callback runs with the lock dropped (meanwhile another idle check answers -EINPROGRESS), then
    /// <c>rpm_suspend</c> checks again and suspends the function if nothing holds it.
    /// </summary>
    public IEnumerable<ModelStep> RunWorkSteps(ResultCell result)
    {
        while (WorkQueued)
        {
            WorkQueued = false;
            var idle = IdleRequested;
            IdleRequested = false;
            if (idle && Usage == 0 && Status == RpmStatus.Active && !IdleNotification)
            {
                IdleNotification = true;
                yield return ModelStep.Boundary; // pci_pm_runtime_idle, lock dropped
                IdleNotification = false;
                if (Usage == 0 && Status == RpmStatus.Active)
                {
                    Status = RpmStatus.Suspended; // the vfio suspend callback, then the PCI core's D3
                }
            }

            yield return ModelStep.Boundary;
        }

        result.Value = 0;
    }

    // vfio_device_fops_unl_ioctl / vfio_pci_rw: -EBADF on a closed file; resume_and_get (a failure would be -EIO and
    // cannot happen here); the handler under memory_lock; pm_runtime_put on every path.
    private IEnumerable<ModelStep> Ioctl(bool fileB, System.Func<int> handler, ResultCell result)
    {
        if (fileB && !FileBOpen)
        {
            result.Value = -Errno.EBADF;
            yield break;
        }

        yield return ModelStep.Boundary; // the file was open when the call began; the wrapper's get comes after
        Usage++;
        yield return ModelStep.Boundary;
        IdleRequested = false; // rpm_resume cancels a pending request
        if (Status == RpmStatus.Suspended)
        {
            Resume();
        }

        yield return ModelStep.Boundary;
        result.Value = handler();
        yield return ModelStep.Boundary;
        foreach (var step in Put())
        {
            yield return step;
        }
    }

    // pm_runtime_put: the drop, then (at 0) the locked async idle: the PCI bus has an idle callback, so a request.
    private IEnumerable<ModelStep> Put()
    {
        if (Usage == 0)
        {
            yield break; // would be an underflow; never happens with balanced callers
        }

        if (--Usage != 0)
        {
            yield break;
        }

        yield return ModelStep.Boundary;
        if (Usage == 0 && Status == RpmStatus.Active && !IdleNotification)
        {
            IdleRequested = true;
            WorkQueued = true;
        }
    }

    // vfio_pci_core_runtime_resume: a stored wake eventfd is signalled once and low power ends (the open reference back).
    private void Resume()
    {
        Status = RpmStatus.Active;
        if (WakeArmed)
        {
            WakeSignals++;
            Exit();
        }
    }

    // __vfio_pci_runtime_pm_exit
    private void Exit()
    {
        if (!Engaged)
        {
            return;
        }

        Engaged = false;
        WakeArmed = false;
        Usage++;
    }

    private void PutNoIdle()
    {
        if (Usage > 0)
        {
            Usage--;
        }
    }
}

/// <summary>What the hypervisor and the host can observe of the device (compared between runtime and model).</summary>
internal readonly record struct VfioObservation(int Usage, bool Engaged, int WakeSignals, RpmStatus Status, bool Mapped, bool FileBOpen)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Status} uc={Usage} engaged={Engaged} wake-signals={WakeSignals} mapped={Mapped} fileB={(FileBOpen ? "open" : "closed")}";
}
