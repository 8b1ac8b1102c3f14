// kind: bug
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_runtime_pm_entry() — seeded variant: pm_runtime_engaged set without
//        giving up the open reference, so the device never suspends and exit takes a second reference
// fix: none — a seeded variant of Correct/VfioPciRuntimePmEntry (issue 12 evidence: "a flag set without the put")
// why: the rule is "pm_runtime_engaged set ⇔ the open reference given up" ([ForgoesPmReference] on the flag, see the
//      prelude): setting it hands the path a reference to put, and this path returns without putting it (VPM0001 at
//      the exit, related to the flag write)
namespace KernelCorpus.Cases;

public static class RuntimePmEntryFlagWithoutPut
{
    public static int VfioPciRuntimePmEntry(CoreDevice vdev, EventFdCtx? efdctx)
    {
        Vfio.ZapAndDownWriteMemoryLock(vdev);
        if (vdev.PmRuntimeEngaged)
        {
            vdev.MemoryLock.UpWrite();
            return -Errno.EINVAL;
        }

        vdev.PmRuntimeEngaged = true;
        vdev.PmWakeEventFdCtx = efdctx;
        vdev.MemoryLock.UpWrite();

        return 0; // <-- VPM0001
    }
}
