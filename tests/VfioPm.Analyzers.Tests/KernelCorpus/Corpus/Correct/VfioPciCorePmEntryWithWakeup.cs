// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_pm_entry_with_wakeup() — VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP
namespace KernelCorpus.Cases;

public abstract class VfioPciCorePmEntryWithWakeupPort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioPciCorePmEntryWithWakeup(CoreDevice vdev, uint flags, Span<byte> arg, int argsz)
    {
        EventFdCtx? efdctx;
        int ret;

        ret = Vfio.CheckFeature(flags, argsz, VfioUapi.VFIO_DEVICE_FEATURE_SET, 8);
        if (ret != 1)
            return ret;

        if (Sys.CopyUser(arg, 8) != 0)
            return -Errno.EFAULT;

        var wakeupEventFd = BitConverter.ToInt32(arg);
        if (wakeupEventFd < 0)
            return -Errno.EINVAL;

        efdctx = Vfio.EventFdCtxFdGet(wakeupEventFd);
        if (efdctx == null)
            return -Errno.EBADF;

        ret = VfioPciRuntimePmEntry(vdev, efdctx);
        if (ret != 0)
            Vfio.EventFdCtxPut(efdctx);

        return ret;
    }

    // vfio_pci_runtime_pm_entry() (Correct/VfioPciRuntimePmEntry).
    protected abstract int VfioPciRuntimePmEntry(CoreDevice vdev, EventFdCtx? efdctx);
}
