// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_register_device() — with disable_idle_d3 latched per device (2026)
// why: drops the PCI core's probe reference on success unless DisableIdleD3, takes it back on failure (issue 12: latched flag)
namespace KernelCorpus.Cases;

public abstract class VfioPciCoreRegisterDevicePort
{
    // Gives the probe reference of local_pci_probe() to runtime PM (unless DisableIdleD3); unregister takes it back.
    [ReleasesPmReference("vdev.Pdev.Power", OnSuccess = true, Unless = "vdev.DisableIdleD3")]
    public int VfioPciCoreRegisterDevice(CoreDevice vdev)
    {
        var pdev = vdev.Pdev;
        int ret;

        // Prevent binding to PFs with VFs enabled.
        if (Pci.NumVf(pdev) != 0)
            return -Errno.EBUSY;

        ret = Vfio.InitStep(vdev, "assign_device_set");
        if (ret != 0)
            return ret;
        ret = Vfio.InitStep(vdev, "vf_init");
        if (ret != 0)
            return ret;
        ret = Vfio.InitStep(vdev, "vga_init");
        if (ret != 0)
            goto out_vf;

        VfioPciProbePowerState(vdev);

        // The PCI core leaves the power state unknown; D0 is the only transition it allows from there.
        Vfio.SetPowerState(vdev, PciPowerState.D0);

        InstallPmOps(vdev);
        pdev.Power.Allow();
        if (!vdev.DisableIdleD3)
            pdev.Power.Put();

        ret = Vfio.RegisterGroupDev(vdev);
        if (ret != 0)
            goto out_power;
        return 0;

    out_power:
        if (!vdev.DisableIdleD3)
            pdev.Power.GetNoResume();

        pdev.Power.Forbid();
    out_vf:
        Vfio.UninitStep(vdev, "vf_init");
        return ret;
    }

    // vfio_pci_probe_power_state(): needs_pm_restore from PMCSR NoSoftRst (the probe reference keeps the function in D0).
    protected abstract void VfioPciProbePowerState(CoreDevice vdev);

    // dev->driver->pm = &vfio_pci_core_pm_ops.
    protected abstract void InstallPmOps(CoreDevice vdev);
}
