// kind: fixed
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_rdwr.c vfio_pci_ioeventfd_handler() — after the fix: memory_lock for read by trylock
//        (contention defers to the thread), the write dropped while memory decode is disabled
// fix: "vfio-pci: Avoid recursive read-lock usage" (Alex Williamson, 2020; bc93b9ae0151, Fixes abafbc551fdd: "ioeventfds are
//      now included in memory access testing, with writes dropped while memory space is disabled")
namespace KernelCorpus.Cases;

public sealed class MmioIoeventfd
{
    public MmioIoeventfd(CoreDevice vdev) => Vdev = vdev;

    public CoreDevice Vdev { get; }

    public uint Data;
    public long Addr;
}

public static class VfioIoeventfdMemoryTest
{
    [RequiresPmReference("ioeventfd.Vdev.Pdev.Power")]
    public static int VfioPciIoeventfdHandler(MmioIoeventfd ioeventfd)
    {
        var vdev = ioeventfd.Vdev;

        if (!vdev.MemoryLock.DownReadTrylock())
            return 1; // Lock contended, use thread.
        if (!Vfio.MemoryEnabled(vdev))
        {
            vdev.MemoryLock.UpRead();
            return 0;
        }

        vdev.MmioWrite32(ioeventfd.Data, ioeventfd.Addr);
        vdev.MemoryLock.UpRead();
        return 0;
    }
}
