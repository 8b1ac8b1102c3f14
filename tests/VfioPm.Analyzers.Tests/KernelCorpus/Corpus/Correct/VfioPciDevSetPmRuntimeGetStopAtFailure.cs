// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_dev_set_pm_runtime_get() — the form seed 004 reviewed: remember the failing
//        device, then put every device before it in list order
// why: on success it holds one reference on every device of the set (issue 12: per-element contract); the unwind itself is issue 11 §4
namespace KernelCorpus.Cases;

public static class VfioPciDevSetPmRuntimeGetStopAtFailurePort
{
    // One reference on every device of the set on success, none on failure.
    [AcquiresPmReference("devSet.Devices[].Pdev", OnSuccess = true)]
    public static int VfioPciDevSetPmRuntimeGet(CoreDeviceSet devSet)
    {
        CoreDevice? failed = null;
        int ret = 0;

        foreach (var cur in devSet.Devices)
        {
            ret = cur.Pdev.Power.ResumeAndGet();
            if (ret != 0)
            {
                failed = cur;
                break;
            }
        }

        if (failed == null)
            return 0;

        foreach (var cur in devSet.Devices)
        {
            if (cur == failed)
                break;
            cur.Pdev.Power.Put();
        }

        return ret;
    }
}
