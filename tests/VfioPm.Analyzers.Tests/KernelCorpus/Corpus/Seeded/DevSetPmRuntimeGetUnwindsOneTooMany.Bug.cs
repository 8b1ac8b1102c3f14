// kind: bug
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_dev_set_pm_runtime_get() — seeded variant: the unwind starts at the
//        device whose resume failed, so it puts one reference too many
// fix: none — a seeded variant of Correct/VfioPciDevSetPmRuntimeGet (issue 12 evidence: "an unwind that puts one too many")
namespace KernelCorpus.Cases;

public static class DevSetPmRuntimeGetUnwindsOneTooMany
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
        for (; cur >= 0; cur--)
            devices[cur].Pdev.Power.Put(); // <-- VPM0002

        return ret;
    }
}
