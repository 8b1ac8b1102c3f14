// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_ioctl_feature() — the device-feature dispatch
namespace KernelCorpus.Cases;

public abstract class VfioPciCoreIoctlFeaturePort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioPciCoreIoctlFeature(CoreDevice vdev, uint flags, Span<byte> arg, int argsz)
    {
        switch (flags & VfioUapi.VFIO_DEVICE_FEATURE_MASK)
        {
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
                return PmEntry(vdev, flags, arg, argsz);
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
                return PmEntryWithWakeup(vdev, flags, arg, argsz);
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
                return PmExit(vdev, flags, arg, argsz);
            default:
                return -Errno.ENOTTY;
        }
    }

    // The three handlers (Correct/VfioPciCorePmEntry, ...WithWakeup, ...PmExit): they run inside the ioctl's bracket.
    [RequiresPmReference("vdev.Pdev.Power")]
    protected abstract int PmEntry(CoreDevice vdev, uint flags, Span<byte> arg, int argsz);

    [RequiresPmReference("vdev.Pdev.Power")]
    protected abstract int PmEntryWithWakeup(CoreDevice vdev, uint flags, Span<byte> arg, int argsz);

    [RequiresPmReference("vdev.Pdev.Power")]
    protected abstract int PmExit(CoreDevice vdev, uint flags, Span<byte> arg, int argsz);
}
