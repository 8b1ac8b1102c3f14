// kind: correct
// needs: engine
// ports: drivers/pci/pci-driver.c pci_pm_runtime_suspend()
namespace KernelCorpus.Cases;

public abstract class PciPmRuntimeSuspendPort
{
    public bool Bound;
    public bool StateSaved;

    [RuntimePmCallback]
    public int PciPmRuntimeSuspend(PciDevice pciDev)
    {
        var prev = pciDev.CurrentState;
        int error;

        SuspendPtm(pciDev);

        // An unbound device stays in D0 but may lose power with its bridge: save its config space.
        if (!Bound)
        {
            SaveState(pciDev);
            return 0;
        }

        StateSaved = false;
        if (HasRuntimeSuspend)
        {
            error = DriverRuntimeSuspend(pciDev);
            // -EBUSY and -EAGAIN ask the core to try again later.
            if (error == -Errno.EBUSY || error == -Errno.EAGAIN)
                return error;
            else if (error != 0)
                return error;
        }

        if (HasRuntimeSuspend && !StateSaved && pciDev.CurrentState != PciPowerState.D0
            && pciDev.CurrentState != PciPowerState.Unknown)
        {
            // The driver moved the device out of D0 itself.
            return 0;
        }

        if (!StateSaved)
        {
            SaveState(pciDev);
            FinishRuntimeSuspend(pciDev);
        }

        return 0;
    }

    protected abstract bool HasRuntimeSuspend { get; }

    protected abstract void SuspendPtm(PciDevice pciDev);

    protected abstract void SaveState(PciDevice pciDev);

    protected abstract int DriverRuntimeSuspend(PciDevice pciDev);

    // pci_finish_runtime_suspend(): its error is ignored.
    protected abstract int FinishRuntimeSuspend(PciDevice pciDev);
}
