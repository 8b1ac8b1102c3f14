// kind: correct
// needs: engine
// ports: drivers/pci/pci-driver.c pci_device_shutdown() — the runtime resume before the driver's shutdown
namespace KernelCorpus.Cases;

public abstract class PciDeviceShutdownPort
{
    public bool DriverHasShutdown;
    public bool KexecInProgress;

    public void PciDeviceShutdown(PciDevice pciDev)
    {
        pciDev.Power.Resume();

        if (DriverHasShutdown)
            DriverShutdown(pciDev);

        // If this is a kexec reboot, turn off Bus Master bit on the device to tell it to not continue to do DMA.
        if (KexecInProgress && (pciDev.CurrentState <= PciPowerState.D3hot))
            Pci.ClearMaster(pciDev);
    }

    protected abstract void DriverShutdown(PciDevice pciDev);
}
