// kind: bug
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_enable() — seeded variant: the -EAGAIN exit of the function reset
//        returns directly instead of unwinding through out_disable_device and out_power, keeping the open reference
// fix: none — a seeded variant of Correct/VfioPciCoreEnable (issue 12 evidence: "a put skipped on one error path")
// why: the success contract is conditional on DisableIdleD3 (latched flag); the leak itself is a failure exit holding the reference
namespace KernelCorpus.Cases;

public static class VfioPciCoreEnableSkipsPutOnReset
{
    [AcquiresPmReference("vdev.Pdev.Power", OnSuccess = true, Unless = "vdev.DisableIdleD3")]
    public static int VfioPciCoreEnable(CoreDevice vdev)
    {
        var pdev = vdev.Pdev;
        int ret;

        if (!vdev.DisableIdleD3)
        {
            ret = pdev.Power.ResumeAndGet();
            if (ret < 0)
                return ret;
        }

        Pci.ClearMaster(pdev);

        ret = Pci.EnableDevice(pdev);
        if (ret != 0)
            goto out_power;

        ret = Pci.TryResetFunction(pdev);
        if (ret == -Errno.EAGAIN)
            return ret; // <-- VPM0011

        vdev.ResetWorks = ret == 0;
        vdev.PciSavedState = Pci.StoreSavedState(pdev);

        ret = Vfio.InitStep(vdev, "config_init");
        if (ret != 0)
            goto out_free_state;

        return 0;

    out_free_state:
        vdev.PciSavedState = null;
        Pci.DisableDevice(pdev);
    out_power:
        if (!vdev.DisableIdleD3)
            pdev.Power.Put();
        return ret;
    }
}
