// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_enable() — with disable_idle_d3 latched per device (2026)
// why: the open reference is kept on success unless DisableIdleD3, a latched flag (issue 12: conditional contract)
namespace KernelCorpus.Cases;

public static class VfioPciCoreEnablePort
{
    // Keeps the open reference for vfio_pci_core_disable() on success (unless DisableIdleD3).
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

        // Don't allow our initial saved state to include busmaster.
        Pci.ClearMaster(pdev);

        ret = Pci.EnableDevice(pdev);
        if (ret != 0)
            goto out_power;

        // If reset fails because of the device lock, fail this path entirely.
        ret = Pci.TryResetFunction(pdev);
        if (ret == -Errno.EAGAIN)
            goto out_disable_device;

        vdev.ResetWorks = ret == 0;
        vdev.PciSavedState = Pci.StoreSavedState(pdev);

        if (Pci.IntxMaskSupported(pdev))
            vdev.Pci23 = true;
        else
            vdev.NoIntx = true;

        var cmd = Pci.ReadConfigWord(pdev, Pci.Command);
        if (vdev.Pci23 && (cmd & Pci.CommandIntxDisable) != 0)
            Pci.WriteConfigWord(pdev, Pci.Command, (ushort)(cmd & ~Pci.CommandIntxDisable));

        ret = Vfio.InitStep(vdev, "zdev_open_device");
        if (ret != 0)
            goto out_free_state;

        ret = Vfio.InitStep(vdev, "config_init");
        if (ret != 0)
            goto out_free_zdev;

        vdev.MsixBar = 0xFF;
        return 0;

    out_free_zdev:
        Vfio.UninitStep(vdev, "zdev_open_device");
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
