// kind: correct
// needs: contracts
// ports: drivers/pci/pci-driver.c local_pci_probe()
// why: the probe reference stays with the bound driver until pci_device_remove() (issue 12: bind ↔ probe reference)
namespace KernelCorpus.Cases;

public abstract class LocalPciProbePort
{
    public object? Driver;

    // Unbound PCI devices are always in D0. During probe the device is active with its usage count raised; a driver
    // that supports runtime PM drops that in its probe and takes it back in its remove.
    [AcquiresPmReference("pciDev.Power", OnSuccess = true)]
    public int LocalPciProbe(PciDevice pciDev, object pciDrv)
    {
        int rc;

        pciDev.Power.GetSync();
        Driver = pciDrv;
        rc = DriverProbe(pciDev);
        if (rc == 0)
            return rc;
        if (rc < 0)
        {
            Driver = null;
            pciDev.Power.PutSync();
            return rc;
        }

        // Probe should return < 0 for failure, 0 for success: treat > 0 as success, but warn.
        return 0;
    }

    // pci_drv->probe(pci_dev, id).
    protected abstract int DriverProbe(PciDevice pciDev);
}
