// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_pm_entry() — VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY
namespace KernelCorpus.Cases;

public abstract class VfioPciCorePmEntryPort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioPciCorePmEntry(CoreDevice vdev, uint flags, Span<byte> arg, int argsz)
    {
        int ret;

        ret = Vfio.CheckFeature(flags, argsz, VfioUapi.VFIO_DEVICE_FEATURE_SET, 0);
        if (ret != 1)
            return ret;

        // Inside vfio_pci_runtime_pm_entry() only the usage count is decremented; the put of the ioctl wrapper then
        // lets the device runtime suspend.
        return VfioPciRuntimePmEntry(vdev, null);
    }

    // vfio_pci_runtime_pm_entry() (Correct/VfioPciRuntimePmEntry): its release-on-success is not expressible today.
    protected abstract int VfioPciRuntimePmEntry(CoreDevice vdev, EventFdCtx? efdctx);
}
