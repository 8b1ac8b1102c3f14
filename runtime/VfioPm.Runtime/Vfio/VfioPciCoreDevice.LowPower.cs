using System;
using System.Threading;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// The user's low-power features (LOW_POWER_ENTRY / ENTRY_WITH_WAKEUP / EXIT) and the runtime-PM callbacks that
// complete them.
public sealed partial class VfioPciCoreDevice
{
    // models vfio_pci_core_pm_entry(): SET only, no payload.
    private int FeatureLowPowerEntry(in VfioDeviceFeatureCall call)
    {
        var ret = call.Check(FeatureOps.Set, 0);
        return ret != 1 ? ret : RuntimePmEntry(null);
    }

    // models vfio_pci_core_pm_entry_with_wakeup(): SET only, an 8-byte payload naming an eventfd (reserved is not checked).
    private int FeatureLowPowerEntryWithWakeup(in VfioDeviceFeatureCall call, FileDescriptorTable fds)
    {
        var ret = call.Check(FeatureOps.Set, VfioDeviceLowPowerEntryWithWakeup.Size);
        if (ret != 1)
        {
            return ret;
        }

        if (!VfioDeviceLowPowerEntryWithWakeup.TryRead(call.Payload, out var entry))
        {
            return -Errno.EFAULT;
        }

        if (entry.WakeupEventfd < 0)
        {
            return -Errno.EINVAL;
        }

        ret = fds.ResolveEventFd(entry.WakeupEventfd, out var ctx);
        if (ret != 0)
        {
            return ret;
        }

        // On failure (already engaged) the eventfd reference is simply not kept.
        return RuntimePmEntry(ctx);
    }

    // models vfio_pci_core_pm_exit(): SET only; always 0 once the check passes (a no-op when not engaged).
    private int FeatureLowPowerExit(in VfioDeviceFeatureCall call)
    {
        var ret = call.Check(FeatureOps.Set, 0);
        if (ret != 1)
        {
            return ret;
        }

        RuntimePmExit();
        return 0;
    }

    // models vfio_pci_core_feature_token(): PFs only; SET of a 16-byte uuid (copied, then not modelled further).
    private int FeatureVfToken(in VfioDeviceFeatureCall call)
    {
        if (!Pdev.IsPhysFn)
        {
            return -Errno.ENOTTY;
        }

        var ret = call.Check(FeatureOps.Set, 16);
        return ret != 1 ? ret : 0;
    }

    // models vfio_pci_runtime_pm_entry(): zap mmaps and take memory_lock for write; give up the open reference with
    // put_noidle only — the real put (and the suspend) comes from the ioctl wrapper, outside the lock.
    private int RuntimePmEntry(EventFd? wakeEventFd)
    {
        ZapAndDownWriteMemoryLock();
        try
        {
            if (_pmRuntimeEngaged)
            {
                return -Errno.EINVAL;
            }

            Volatile.Write(ref _pmRuntimeEngaged, true);
            Volatile.Write(ref _pmWakeEventFd, wakeEventFd);
            Pdev.Power.PutNoIdle();
            return 0;
        }
        finally
        {
            MemoryLock.UpWrite();
        }
    }

    /// <summary>Ends the user's low-power state if engaged: re-takes the open reference without resuming and drops the eventfd.</summary>
    /// <remarks>Takes <see cref="MemoryLock"/> for write; does not sleep on runtime PM.</remarks>
    // models vfio_pci_runtime_pm_exit()
    [ExcludesMemoryLock]
    internal void RuntimePmExit()
    {
        using (MemoryLock.WriteLock())
        {
            RuntimePmExitLocked();
        }
    }

    // models __vfio_pci_runtime_pm_exit(): no resume here — the caller either already holds the device active
    // (ioctl wrapper) or resumes it after dropping the lock (close).
    // Caller holds memory_lock for write.
    [RequiresMemoryLock(MemoryLockMode.Exclusive)]
    private void RuntimePmExitLocked()
    {
        if (!_pmRuntimeEngaged)
        {
            return;
        }

        Volatile.Write(ref _pmRuntimeEngaged, false);
        Pdev.Power.GetNoResume();
        Volatile.Write(ref _pmWakeEventFd, null);
    }

    // models vfio_pci_core_runtime_suspend(): back to D0 first (so the PCI core saves a good state and picks the
    // low-power state itself), then mask INTx if it is in use and this call is what masked it. Always 0.
    // Called through VfioPciCorePmOps by the PCI bus callback, with the device's power lock dropped and status Suspending.
    [RuntimePmCallback]
    [ExcludesMemoryLock]
    internal int RuntimeSuspendCallback()
    {
        using (MemoryLock.WriteLock())
        {
            SetPowerStateLocked(PciPowerState.D0);
        }

        // Shared INTx lines run every sharer's handler, which reads config space: not on a powered-off device.
        _pmIntxMasked = IrqType == VfioIrqType.Intx && IntxMask();
        return 0;
    }

    // models vfio_pci_core_runtime_resume(): the first resume after ENTRY_WITH_WAKEUP signals the eventfd once and
    // ends low power (re-taking the open reference, so the device stays up); unmask what suspend masked. Always 0.
    // Called through VfioPciCorePmOps by the PCI bus callback, with the device's power lock dropped and status Resuming.
    [RuntimePmCallback]
    [ExcludesMemoryLock]
    internal int RuntimeResumeCallback()
    {
        using (MemoryLock.WriteLock())
        {
            var wake = _pmWakeEventFd;
            if (wake is not null)
            {
                wake.Signal(1);
                RuntimePmExitLocked();
            }
        }

        if (_pmIntxMasked)
        {
            IntxUnmask();
        }

        return 0;
    }
}
