// kind: correct
// needs: contracts
// ports: drivers/pci/pci-driver.c pci_device_remove()
// why: drops the probe reference local_pci_probe() left with the bound driver (issue 12: bind ↔ probe reference)
namespace KernelCorpus.Cases;

public abstract class PciDeviceRemovePort
{
    public object? Driver;

    public bool DriverHasRemove;

    // Undoes the runtime PM settings of local_pci_probe().
    [ReleasesPmReference("pciDev.Power")]
    public void PciDeviceRemove(PciDevice pciDev)
    {
        if (DriverHasRemove)
        {
            pciDev.Power.GetSync();
            // A driver's runtime_idle may still run in parallel: wait until all runtime PM activity has completed.
            pciDev.Power.Barrier();
            DriverRemove(pciDev);
            pciDev.Power.PutNoIdle();
        }
        FreeIrq(pciDev);
        Driver = null;

        // Undo the runtime PM settings in local_pci_probe().
        pciDev.Power.PutSync();
    }

    protected abstract void DriverRemove(PciDevice pciDev);

    protected abstract void FreeIrq(PciDevice pciDev);
}
