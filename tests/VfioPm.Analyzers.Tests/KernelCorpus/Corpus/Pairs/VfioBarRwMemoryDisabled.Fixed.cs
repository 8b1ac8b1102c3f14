// kind: fixed
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_rdwr.c do_io_rw() with vfio_pci_iowrite32() for a memory BAR — after the fix: each
//        write under memory_lock for read, -EIO while memory decode is disabled
// fix: "vfio-pci: Invalidate mmaps and block MMIO access on disabled memory" (Alex Williamson, 2020; abafbc551fdd), in the
//      per-access form of its follow-up "vfio-pci: Avoid recursive read-lock usage" (bc93b9ae0151)
namespace KernelCorpus.Cases;

public static class VfioBarRwMemoryDisabled
{
    // Runs inside vfio_pci_rw()'s runtime-PM bracket.
    [RequiresPmReference("vdev.Pdev.Power")]
    public static int DoIoWrite(CoreDevice vdev, ReadOnlySpan<uint> values, long off)
    {
        int done = 0;

        foreach (var val in values)
        {
            vdev.MemoryLock.DownRead();
            if (!Vfio.MemoryEnabled(vdev))
            {
                vdev.MemoryLock.UpRead();
                return -Errno.EIO;
            }
            vdev.MmioWrite32(val, off + done);
            vdev.MemoryLock.UpRead();
            done += 4;
        }

        return done;
    }
}
