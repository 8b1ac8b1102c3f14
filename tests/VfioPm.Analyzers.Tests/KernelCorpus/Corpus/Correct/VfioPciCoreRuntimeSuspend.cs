// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_runtime_suspend()
namespace KernelCorpus.Cases;

public static class VfioPciCoreRuntimeSuspendPort
{
    [RuntimePmCallback]
    public static int VfioPciCoreRuntimeSuspend(CoreDevice vdev)
    {
        vdev.MemoryLock.DownWrite();
        // The user can move the device into D3hot before invoking the power management ioctl: bring it back to D0
        // here so the PCI core's runtime suspend saves a good state and moves it to low power itself.
        Vfio.SetPowerState(vdev, PciPowerState.D0);
        vdev.MemoryLock.UpWrite();

        // Mask INTx across suspend; if the user had masked it already, resume must not unmask it.
        vdev.PmIntxMasked = vdev.IrqType == Vfio.IntxIrqIndex && Vfio.IntxMask(vdev);

        return 0;
    }
}
