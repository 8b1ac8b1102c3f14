// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_close_device() — close ends with disable (its reference
//        contract declared) and the igate section
namespace KernelCorpus.Cases;

public abstract class VfioPciCoreCloseDevicePort
{
    public EventFdCtx? ErrTrigger;
    public EventFdCtx? ReqTrigger;
    public readonly object Igate = new();

    // Drops the open reference enable kept (vfio_pci_core_close_device() is the last close).
    [ReleasesPmReference("vdev.Pdev.Power")]
    public void VfioPciCoreCloseDevice(CoreDevice vdev)
    {
        VfioPciCoreDisable(vdev);

        lock (Igate)
        {
            if (ErrTrigger != null)
            {
                Vfio.EventFdCtxPut(ErrTrigger);
                ErrTrigger = null;
            }
            if (ReqTrigger != null)
            {
                Vfio.EventFdCtxPut(ReqTrigger);
                ReqTrigger = null;
            }
        }
    }

    // vfio_pci_core_disable() (Correct/VfioPciCoreDisable).
    [ReleasesPmReference("vdev.Pdev.Power")]
    protected abstract void VfioPciCoreDisable(CoreDevice vdev);
}
