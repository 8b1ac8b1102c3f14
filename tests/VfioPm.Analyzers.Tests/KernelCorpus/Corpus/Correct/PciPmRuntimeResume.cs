// kind: correct
// needs: engine
// ports: drivers/pci/pci-driver.c pci_pm_runtime_resume()
namespace KernelCorpus.Cases;

public abstract class PciPmRuntimeResumePort
{
    public bool Bound;

    [RuntimePmCallback]
    public int PciPmRuntimeResume(PciDevice pciDev)
    {
        var prevState = pciDev.CurrentState;
        int error = 0;

        // Restoring config space is needed even unbound: the device may have gone to D3cold with its bridge.
        DefaultResumeEarly(pciDev);
        ResumePtm(pciDev);

        if (!Bound)
            return 0;

        DefaultResume(pciDev);

        if (prevState == PciPowerState.D3cold)
            BridgePowerUpActions(pciDev);

        if (HasRuntimeResume)
            error = DriverRuntimeResume(pciDev);

        return error;
    }

    protected abstract bool HasRuntimeResume { get; }

    protected abstract void DefaultResumeEarly(PciDevice pciDev);

    protected abstract void ResumePtm(PciDevice pciDev);

    protected abstract void DefaultResume(PciDevice pciDev);

    protected abstract void BridgePowerUpActions(PciDevice pciDev);

    protected abstract int DriverRuntimeResume(PciDevice pciDev);
}
