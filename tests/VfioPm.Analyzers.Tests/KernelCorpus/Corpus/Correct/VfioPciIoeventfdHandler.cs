// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_rdwr.c vfio_pci_ioeventfd_handler() — trylock of memory_lock for read when the
//        ioeventfd targets memory space, the same test_mem field tested again to unlock
namespace KernelCorpus.Cases;

public sealed class IoeventfdPort
{
    public IoeventfdPort(CoreDevice vdev, bool testMem)
    {
        Vdev = vdev;
        TestMem = testMem;
    }

    public CoreDevice Vdev { get; }

    /// <summary>ioeventfd->test_mem: set when the ioeventfd is made, never changed.</summary>
    public bool TestMem { get; }
}

public abstract class VfioPciIoeventfdHandlerPort
{
    public int VfioPciIoeventfdHandler(IoeventfdPort ioeventfd)
    {
        var vdev = ioeventfd.Vdev;

        if (ioeventfd.TestMem)
        {
            if (!vdev.MemoryLock.DownReadTrylock())
                return 1; // Lock contended, use thread.
            if (!Vfio.MemoryEnabled(vdev))
            {
                vdev.MemoryLock.UpRead();
                return 0;
            }
        }

        VfioPciIoeventfdDoWrite(ioeventfd, false);

        if (ioeventfd.TestMem)
            vdev.MemoryLock.UpRead();

        return 0;
    }

    protected abstract void VfioPciIoeventfdDoWrite(IoeventfdPort ioeventfd, bool testMem);
}
