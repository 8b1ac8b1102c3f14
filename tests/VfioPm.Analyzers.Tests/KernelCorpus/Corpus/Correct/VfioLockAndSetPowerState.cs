// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_config.c vfio_lock_and_set_power_state() — zap-and-lock for D3, plain lock otherwise
namespace KernelCorpus.Cases;

public static class VfioLockAndSetPowerStatePort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public static void VfioLockAndSetPowerState(CoreDevice vdev, PciPowerState state)
    {
        if (state >= PciPowerState.D3hot)
            Vfio.ZapAndDownWriteMemoryLock(vdev);
        else
            vdev.MemoryLock.DownWrite();

        Vfio.SetPowerState(vdev, state);
        vdev.MemoryLock.UpWrite();
    }
}
