// kind: bug
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_dev_set_pm_runtime_get() — seeded variant of the v4 form: the unwind
//        tests for the failing device after putting it, so it puts the reference whose resume failed
// fix: none — a seeded variant of Correct/VfioPciDevSetPmRuntimeGetStopAtFailure (issue 12 evidence: "an unwind that
//      puts one too many")
namespace KernelCorpus.Cases;

public static class DevSetPmRuntimeGetStopAfterThePut
{
    [AcquiresPmReference("devSet.Devices[].Pdev", OnSuccess = true)]
    public static int VfioPciDevSetPmRuntimeGet(CoreDeviceSet devSet)
    {
        CoreDevice? curPm = null;
        int ret = 0;

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
            cur.Pdev.Power.Put(); // <-- VPM0002
            if (cur == curPm)
                break;
        }

        return ret;
    }
}
