// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_dev_set_pm_runtime_get() — the v4 form seed 004 reviewed: the
//        list cursor cur_pm stops at the device whose resume failed, then every device before it in list order is put
// why: on success it holds one reference on every device of the set (issue 12: per-element contract); the unwind is
//      issue 11 §4 (the cursor names the failing element, the second loop stops there)
namespace KernelCorpus.Cases;

public static class VfioPciDevSetPmRuntimeGetStopAtFailurePort
{
    // One reference on every device of the set on success, none on failure.
    [AcquiresPmReference("devSet.Devices[].Pdev", OnSuccess = true)]
    public static int VfioPciDevSetPmRuntimeGet(CoreDeviceSet devSet)
    {
        CoreDevice? curPm = null;
        int ret = 0;

        // list_for_each_entry(cur_pm, ...): C keeps the cursor after the loop; C# needs a variable of its own.
        foreach (var cur in devSet.Devices)
        {
            curPm = cur;
            ret = curPm.Pdev.Power.ResumeAndGet();
            if (ret < 0)
                break;
        }

        if (ret == 0)
            return 0;

        foreach (var cur in devSet.Devices)
        {
            if (cur == curPm)
                break;
            cur.Pdev.Power.Put();
        }

        return ret;
    }
}
