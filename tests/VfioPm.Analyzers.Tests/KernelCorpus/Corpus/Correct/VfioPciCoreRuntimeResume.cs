// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_runtime_resume()
// why: the wake eventfd path re-takes the open reference through __vfio_pci_runtime_pm_exit(), owned by pm_runtime_engaged (issue 12)
namespace KernelCorpus.Cases;

public static class VfioPciCoreRuntimeResumePort
{
    [RuntimePmCallback]
    public static int VfioPciCoreRuntimeResume(CoreDevice vdev)
    {
        // Resume with a pm_wake_eventfd_ctx signals the eventfd and exits low power mode.
        vdev.MemoryLock.DownWrite();
        if (vdev.PmWakeEventFdCtx != null)
        {
            Vfio.EventFdSignal(vdev.PmWakeEventFdCtx);
            RuntimePmExitLocked(vdev);
        }
        vdev.MemoryLock.UpWrite();

        if (vdev.PmIntxMasked)
            Vfio.IntxUnmask(vdev);

        return 0;
    }

    // __vfio_pci_runtime_pm_exit() as a driver author declares it today (Correct/VfioPciRuntimePmExitLocked).
    [RequiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    private static void RuntimePmExitLocked(CoreDevice vdev)
    {
        if (vdev.PmRuntimeEngaged)
        {
            vdev.PmRuntimeEngaged = false;
            vdev.Pdev.Power.GetNoResume();
        }
    }
}
