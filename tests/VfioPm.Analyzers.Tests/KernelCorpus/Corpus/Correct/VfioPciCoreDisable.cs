// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_disable() — with disable_idle_d3 latched per device (2026)
// why: drops the open reference enable kept unless DisableIdleD3 (latched flag), after re-taking the one low-power entry gave up (issue 12)
namespace KernelCorpus.Cases;

public abstract class VfioPciCoreDisablePort
{
    // Drops the reference vfio_pci_core_enable() kept (unless DisableIdleD3).
    [ReleasesPmReference("vdev.Pdev.Power", Unless = "vdev.DisableIdleD3")]
    public void VfioPciCoreDisable(CoreDevice vdev)
    {
        var pdev = vdev.Pdev;

        // The device may be in low power, with or without runtime PM: exit re-takes the reference low-power entry gave
        // up, then a synchronous resume wakes the device if it had suspended.
        VfioPciRuntimePmExit(vdev);
        pdev.Power.Resume();

        // A function reset fails in a non-D0 state, and NoSoftRst- devices would lose the state vfio saved in pm_save.
        Vfio.SetPowerState(vdev, PciPowerState.D0);

        // Stop the device from further DMA.
        Pci.ClearMaster(pdev);
        DisableInterruptsAndReleaseRegions(vdev);

        vdev.NeedsReset = true;

        // If we have saved state, restore it. If we can reset the device, even better.
        if (Pci.RestoreSavedState(pdev, vdev.PciSavedState) != 0)
        {
            if (!vdev.ResetWorks)
                goto out_label;
            vdev.PciSavedState = Pci.StoreSavedState(pdev);
        }

        // Disable INTx and MSI, presumably to avoid spurious interrupts during reset.
        Pci.WriteConfigWord(pdev, Pci.Command, Pci.CommandIntxDisable);

        if (vdev.ResetWorks && Pci.DevTrylock(pdev))
        {
            if (Pci.ResetFunctionLocked(pdev) == 0)
                vdev.NeedsReset = false;
            Pci.DevUnlock(pdev);
        }

        Pci.RestoreSavedState(pdev, vdev.PciSavedState);
    out_label:
        Pci.DisableDevice(pdev);

        VfioPciDevSetTryReset(vdev.DevSet);

        // Put the pm-runtime usage counter acquired during enable.
        if (!vdev.DisableIdleD3)
            pdev.Power.Put();
    }

    // vfio_pci_runtime_pm_exit() (Correct/VfioPciRuntimePmExit): the reference it re-takes is owned by pm_runtime_engaged.
    [ExcludesMemoryLock]
    protected abstract void VfioPciRuntimePmExit(CoreDevice vdev);

    // vfio_pci_set_irqs_ioctl(.., DATA_NONE | ACTION_TRIGGER), ioeventfds, regions, config emulation, BAR mappings.
    protected abstract void DisableInterruptsAndReleaseRegions(CoreDevice vdev);

    // vfio_pci_dev_set_try_reset() (Correct/VfioPciDevSetTryReset): balanced.
    protected abstract void VfioPciDevSetTryReset(CoreDeviceSet devSet);
}
