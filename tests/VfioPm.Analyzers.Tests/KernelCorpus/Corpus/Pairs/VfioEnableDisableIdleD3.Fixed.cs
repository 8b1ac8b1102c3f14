// kind: fixed
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_enable() — 2026 form: the get and its unwind put test the same
//        per-device DisableIdleD3, latched at registration (a get-only property: one fact)
// fix: 4575e9aac533 (2026): disable_idle_d3 latched per device at registration (spec §3.17; subject not retrieved; see also
//      "[PATCH] vfio/pci: Allow disabling idle D3 on a per-device basis", lkml 2026-04-22)
// why: the success path's "holds the open reference unless DisableIdleD3" needs a contract conditional on a latched flag (issue 12);
//      a mutable static read twice is two facts (issue 11 §1 keeps one fact only for readonly members)
namespace KernelCorpus.Cases;

public static class VfioEnableDisableIdleD3
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
            goto out_disable_device;

        vdev.ResetWorks = ret == 0;
        vdev.PciSavedState = Pci.StoreSavedState(pdev);

        ret = Vfio.InitStep(vdev, "config_init");
        if (ret != 0)
            goto out_free_state;

        return 0;

    out_free_state:
        vdev.PciSavedState = null;
    out_disable_device:
        Pci.DisableDevice(pdev);
    out_power:
        if (!vdev.DisableIdleD3)
            pdev.Power.Put();
        return ret;
    }
}
