// kind: correct
// needs: engine
// ports: drivers/pci/pci-driver.c pci_pm_runtime_idle()
namespace KernelCorpus.Cases;

public abstract class PciPmRuntimeIdlePort
{
    public bool Bound;
    public bool DriverHasPmOps;

    [RuntimePmCallback]
    public int PciPmRuntimeIdle(PciDevice pciDev)
    {
        // An unbound device always stays in D0, whatever its runtime PM status.
        if (!Bound)
            return 0;

        // A bound driver without dev_pm_ops never lets the core suspend the device.
        if (!DriverHasPmOps)
            return -Errno.ENOSYS;

        if (HasRuntimeIdle)
            return DriverRuntimeIdle(pciDev);

        return 0;
    }

    protected abstract bool HasRuntimeIdle { get; }

    protected abstract int DriverRuntimeIdle(PciDevice pciDev);
}
