// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_dev_set_pm_runtime_get() — the list_for_each_entry_continue_reverse unwind
// why: on success it holds one reference on every device of the set (issue 12: per-element contract); the unwind itself is issue 11 §4
namespace KernelCorpus.Cases;

public static class VfioPciDevSetPmRuntimeGetPort
{
    // One reference on every device of the set on success, none on failure.
    [AcquiresPmReference("devSet.Devices[].Pdev", OnSuccess = true)]
    public static int VfioPciDevSetPmRuntimeGet(CoreDeviceSet devSet)
    {
        var devices = devSet.Devices;
        int ret = 0;
        int cur;

        for (cur = 0; cur < devices.Count; cur++)
        {
            ret = devices[cur].Pdev.Power.ResumeAndGet();
            if (ret != 0)
                goto unwind;
        }

        return 0;

    unwind:
        // list_for_each_entry_continue_reverse: every device before the failing one, back to the head.
        for (cur--; cur >= 0; cur--)
            devices[cur].Pdev.Power.Put();

        return ret;
    }
}
