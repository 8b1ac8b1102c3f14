// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci.c vfio_pci_open_device() — enable, then the finish step; disable on failure
namespace KernelCorpus.Cases;

public abstract class VfioPciCoreOpenDevicePort
{
    // Keeps the open reference enable took, for close (Correct/VfioPciCoreCloseDevice).
    [AcquiresPmReference("vdev.Pdev.Power", OnSuccess = true)]
    public int VfioPciOpenDevice(CoreDevice vdev)
    {
        int ret;

        ret = VfioPciCoreEnable(vdev);
        if (ret != 0)
            return ret;

        if (IsIntelDisplay(vdev))
        {
            ret = VfioPciIgdInit(vdev);
            if (ret != 0 && ret != -Errno.ENODEV)
            {
                VfioPciCoreDisable(vdev);
                return ret;
            }
        }

        VfioPciCoreFinishEnable(vdev);
        return 0;
    }

    // vfio_pci_core_enable() / _disable() (Correct/VfioPciCoreEnable, Correct/VfioPciCoreDisable).
    [AcquiresPmReference("vdev.Pdev.Power", OnSuccess = true)]
    protected abstract int VfioPciCoreEnable(CoreDevice vdev);

    [ReleasesPmReference("vdev.Pdev.Power")]
    protected abstract void VfioPciCoreDisable(CoreDevice vdev);

    protected abstract bool IsIntelDisplay(CoreDevice vdev);

    protected abstract int VfioPciIgdInit(CoreDevice vdev);

    protected abstract void VfioPciCoreFinishEnable(CoreDevice vdev);
}
