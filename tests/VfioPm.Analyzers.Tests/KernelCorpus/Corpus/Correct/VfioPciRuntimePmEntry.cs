// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_runtime_pm_entry()
// why: gives up the open reference only on success and records it in pm_runtime_engaged (issue 12: release on success, ownership held by a flag)
namespace KernelCorpus.Cases;

public static class VfioPciRuntimePmEntryPort
{
    // Gives the open reference up to pm_runtime_engaged ([ForgoesPmReference] on the flag) and pays with put_noidle:
    // balanced in this body, so no method contract; the ioctl wrapper's put then lets the device suspend.
    public static int VfioPciRuntimePmEntry(CoreDevice vdev, EventFdCtx? efdctx)
    {
        // The vdev power related flags are protected with 'memory_lock' semaphore.
        Vfio.ZapAndDownWriteMemoryLock(vdev);
        if (vdev.PmRuntimeEngaged)
        {
            vdev.MemoryLock.UpWrite();
            return -Errno.EINVAL;
        }

        vdev.PmRuntimeEngaged = true;
        vdev.PmWakeEventFdCtx = efdctx;
        vdev.Pdev.Power.PutNoIdle();
        vdev.MemoryLock.UpWrite();

        return 0;
    }
}
