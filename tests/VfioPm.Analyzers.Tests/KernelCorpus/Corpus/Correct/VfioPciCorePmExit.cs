// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_pm_exit() — VFIO_DEVICE_FEATURE_LOW_POWER_EXIT
namespace KernelCorpus.Cases;

public abstract class VfioPciCorePmExitPort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioPciCorePmExit(CoreDevice vdev, uint flags, Span<byte> arg, int argsz)
    {
        int ret;

        ret = Vfio.CheckFeature(flags, argsz, VfioUapi.VFIO_DEVICE_FEATURE_SET, 0);
        if (ret != 1)
            return ret;

        // The device is always active here (the ioctl wrapper holds a reference). If it had suspended with a wake
        // eventfd, the runtime resume callback already signalled it and exited low power; pm_runtime_engaged makes
        // the call below a no-op then.
        VfioPciRuntimePmExit(vdev);
        return 0;
    }

    // vfio_pci_runtime_pm_exit() (Correct/VfioPciRuntimePmExit).
    protected abstract void VfioPciRuntimePmExit(CoreDevice vdev);
}
