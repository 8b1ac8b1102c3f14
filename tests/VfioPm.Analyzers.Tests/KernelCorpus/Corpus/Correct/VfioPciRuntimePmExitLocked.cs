// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c __vfio_pci_runtime_pm_exit()
// why: re-takes the open reference exactly when pm_runtime_engaged was set (issue 12: ownership held by a flag)
namespace KernelCorpus.Cases;

public static class VfioPciRuntimePmExitLockedPort
{
    // Caller holds memory_lock for write. Takes back the reference entry gave up, if it did.
    [RequiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    // Clearing pm_runtime_engaged hands the open reference back; get_noresume pays for it: no method contract.
    public static void VfioPciRuntimePmExitLocked(CoreDevice vdev)
    {
        if (vdev.PmRuntimeEngaged)
        {
            vdev.PmRuntimeEngaged = false;
            vdev.Pdev.Power.GetNoResume();

            if (vdev.PmWakeEventFdCtx != null)
            {
                Vfio.EventFdCtxPut(vdev.PmWakeEventFdCtx);
                vdev.PmWakeEventFdCtx = null;
            }
        }
    }
}
