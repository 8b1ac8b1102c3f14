// kind: bug
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_runtime_pm_entry() — seeded variant: pm_runtime_engaged set without
//        giving up the open reference, so the device never suspends and exit takes a second reference
// fix: none — a seeded variant of Correct/VfioPciRuntimePmEntry (issue 12 evidence: "a flag set without the put")
// why: the rule is "pm_runtime_engaged set ⇔ the open reference given up" (ownership held by a flag); the marked id is provisional
namespace KernelCorpus.Cases;

public static class RuntimePmEntryFlagWithoutPut
{
    [ReleasesPmReference("vdev.Pdev.Power")]
    public static int VfioPciRuntimePmEntry(CoreDevice vdev, EventFdCtx? efdctx)
    {
        Vfio.ZapAndDownWriteMemoryLock(vdev);
        if (vdev.PmRuntimeEngaged)
        {
            vdev.MemoryLock.UpWrite();
            return -Errno.EINVAL;
        }

        vdev.PmRuntimeEngaged = true; // <-- VPM0011
        vdev.PmWakeEventFdCtx = efdctx;
        vdev.MemoryLock.UpWrite();

        return 0;
    }
}
