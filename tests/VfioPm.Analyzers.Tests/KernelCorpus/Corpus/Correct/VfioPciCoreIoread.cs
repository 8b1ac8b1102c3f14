// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_rdwr.c vfio_pci_core_ioread32() (the VFIO_IOREAD macro) and vfio_pci_iordwr32() (the
//        VFIO_IORDWR macro) — one access primitive for memory and I/O-port BARs: memory_lock is taken for read, and
//        memory decode checked, only when the BAR is memory space (test_mem, from IORESOURCE_MEM)
// why: vfio_ioread32() needs memory_lock only on a memory BAR, and which BAR it is is the caller's test_mem, not a
//      property of the accessor: no contract form states an access whose lock requirement is a fact of the caller
namespace KernelCorpus.Cases;

public abstract class VfioPciCoreIoreadPort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioPciCoreIoread32(CoreDevice vdev, bool testMem, out uint val, long io)
    {
        val = 0;
        if (testMem)
        {
            vdev.MemoryLock.DownRead();
            if (!Vfio.MemoryEnabled(vdev))
            {
                vdev.MemoryLock.UpRead();
                return -Errno.EIO;
            }
        }

        val = vdev.MmioRead32(io); // vfio_ioread32(): ioread32() of a memory or an I/O-port cookie

        if (testMem)
            vdev.MemoryLock.UpRead();

        return 0;
    }

    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioPciIordwr32(CoreDevice vdev, bool iswrite, bool testMem, long io, Span<byte> buf, long off, out int filled)
    {
        uint val;
        int ret;

        filled = 0;
        if (iswrite)
        {
            if (CopyFromUser(out val, buf) != 0)
                return -Errno.EFAULT;

            ret = VfioPciCoreIowrite32(vdev, testMem, val, io + off);
            if (ret != 0)
                return ret;
        }
        else
        {
            ret = VfioPciCoreIoread32(vdev, testMem, out val, io + off);
            if (ret != 0)
                return ret;

            if (CopyToUser(buf, val) != 0)
                return -Errno.EFAULT;
        }

        filled = sizeof(uint);
        return 0;
    }

    protected abstract int CopyFromUser(out uint val, Span<byte> buf);

    protected abstract int CopyToUser(Span<byte> buf, uint val);

    // vfio_pci_core_iowrite32() (Correct/VfioPciIowrite): takes memory_lock itself when testMem.
    [RequiresPmReference("vdev.Pdev.Power")]
    protected abstract int VfioPciCoreIowrite32(CoreDevice vdev, bool testMem, uint val, long io);
}
