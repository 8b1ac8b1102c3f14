// kind: bug
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_enable() — 6.1 to 2025 form: the get and its unwind put each test
//        the writable global disable_idle_d3, so the two tests can disagree (spec §7.2 "conditional pairing on mutable state")
// fix: 4575e9aac533 (2026): disable_idle_d3 latched per device at registration (spec §3.17; subject not retrieved; see also
//      "[PATCH] vfio/pci: Allow disabling idle D3 on a per-device basis", lkml 2026-04-22)
// why: annotated as the 6.1 author means it, "holds the open reference on success unless disable_idle_d3" — on the writable
//      module parameter. The contract's condition can change between the get and the put: that is the bug the fix latched,
//      reported on the declaration (VPM0011, issue 12's latched-flag rule). The exits are judged only for what is wrong
//      whatever the parameter reads (the failing `return ret` still holding the reference: VPM0011, the id the contracts
//      work settled for a failing exit of an OnSuccess acquire, as in Seeded/VfioPciCoreEnableSkipsPutOnReset.Bug). A
//      mutable static read twice is two facts (issue 11 §1), so the unwind's put without the get is VPM0002.
namespace KernelCorpus.Cases;

public static class VfioEnableDisableIdleD3
{
    [AcquiresPmReference("vdev.Pdev.Power", OnSuccess = true, Unless = "ModuleParams.DisableIdleD3")]
    public static int VfioPciCoreEnable(CoreDevice vdev) // <-- VPM0011
    {
        var pdev = vdev.Pdev;
        int ret;

        if (!ModuleParams.DisableIdleD3)
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
        if (!ModuleParams.DisableIdleD3)
            pdev.Power.Put(); // <-- VPM0002
        return ret; // <-- VPM0011
    }
}
