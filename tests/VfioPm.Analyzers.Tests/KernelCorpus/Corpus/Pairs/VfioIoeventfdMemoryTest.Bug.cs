// kind: bug
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_rdwr.c vfio_pci_ioeventfd_handler() — before the fix: the ioeventfd's MMIO write
//        bypasses memory_lock and the memory enable test
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
    // An eventfd signal from the user: the device is kept active by the open reference (no low-power entry while
    // ioeventfds are armed is outside this port).
    [RequiresPmReference("ioeventfd.Vdev.Pdev.Power")]
    public static int VfioPciIoeventfdHandler(MmioIoeventfd ioeventfd)
    {
        ioeventfd.Vdev.MmioWrite32(ioeventfd.Data, ioeventfd.Addr); // <-- VPM0004
        return 0;
    }
}
