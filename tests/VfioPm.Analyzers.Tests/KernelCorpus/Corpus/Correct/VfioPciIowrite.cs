// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_rdwr.c vfio_pci_iowrite##size() (the VFIO_IOWRITE macro) — memory_lock held for read
//        only when the BAR is memory space (test_mem), tested before and after the write
namespace KernelCorpus.Cases;

public abstract class VfioPciIowritePort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioPciIowrite32(CoreDevice vdev, bool testMem, uint val, long io)
    {
        if (testMem)
        {
            vdev.MemoryLock.DownRead();
            if (!Vfio.MemoryEnabled(vdev))
            {
                vdev.MemoryLock.UpRead();
                return -Errno.EIO;
            }
        }

        VfioIowrite32(val, io);

        if (testMem)
            vdev.MemoryLock.UpRead();

        return 0;
    }

    // vfio_iowrite32(): the MMIO write itself (the caller decides whether memory_lock gates it).
    protected abstract void VfioIowrite32(uint val, long io);
}
