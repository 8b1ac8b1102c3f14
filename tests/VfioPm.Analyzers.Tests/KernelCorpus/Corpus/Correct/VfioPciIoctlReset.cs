// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_ioctl_reset() — VFIO_DEVICE_RESET, inside the ioctl's PM bracket
namespace KernelCorpus.Cases;

public static class VfioPciIoctlResetPort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public static int VfioPciIoctlReset(CoreDevice vdev)
    {
        int ret;

        if (!vdev.ResetWorks)
            return -Errno.EINVAL;

        Vfio.ZapAndDownWriteMemoryLock(vdev);

        // A reset in a non-D0 state would move the device to D0 behind vfio's back, losing NoSoftRst- state.
        Vfio.SetPowerState(vdev, PciPowerState.D0);

        ret = Pci.TryResetFunction(vdev.Pdev);
        vdev.MemoryLock.UpWrite();

        return ret;
    }
}
