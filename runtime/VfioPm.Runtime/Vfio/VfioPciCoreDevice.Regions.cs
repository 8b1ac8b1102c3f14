using System;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// read()/write() on the device file (vfio_pci_rdwr.c, vfio_pci_config.c): every access is wrapped in a
// resume-and-get/put by vfio-pci itself; BAR access also takes memory_lock for read and needs memory enabled.
public sealed partial class VfioPciCoreDevice
{
    /// <summary>Device-specific regions beyond the nine fixed ones (none in this model).</summary>
    public int NumDeviceRegions => 0;

    // models vfio_pci_rw(): index checked before any PM call; resume errors masked as -EIO; put always.
    // Takes memory_lock (read for BARs, write for PMCSR/COMMAND changes); may sleep.
    [ExcludesMemoryLock]
    internal long Rw(Span<byte> readBuffer, ReadOnlySpan<byte> writeBuffer, long offset, bool isWrite)
    {
        var index = VfioUapi.RegionIndex(offset);
        if (index >= VfioUapi.VFIO_PCI_NUM_REGIONS + NumDeviceRegions)
        {
            return -Errno.EINVAL;
        }

        if (Pdev.Power.ResumeAndGet() != 0)
        {
            return -Errno.EIO;
        }

        try
        {
            var pos = offset & VfioUapi.VFIO_PCI_OFFSET_MASK;
            switch (index)
            {
                case VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX:
                    return isWrite ? ConfigWrite(writeBuffer, pos) : ConfigRead(readBuffer, pos);
                case VfioUapi.VFIO_PCI_ROM_REGION_INDEX:
                case VfioUapi.VFIO_PCI_VGA_REGION_INDEX:
                    // No option ROM and no VGA in this model; ROM writes are -EINVAL in any case.
                    return -Errno.EINVAL;
                default:
                    return BarRw(index, readBuffer, writeBuffer, pos, isWrite);
            }
        }
        finally
        {
            Pdev.Power.Put();
        }
    }

    // models vfio_pci_bar_rw() -> vfio_pci_core_do_io_rw(): memory BARs under memory_lock read, -EIO when disabled.
    // Caller holds a runtime-PM reference.
    [RequiresPmReference]
    private long BarRw(int bar, Span<byte> readBuffer, ReadOnlySpan<byte> writeBuffer, long pos, bool isWrite)
    {
        var region = Pdev.Bars[bar];
        if (!region.IsImplemented || pos >= region.Size)
        {
            return -Errno.EINVAL;
        }

        var count = (int)Math.Min(isWrite ? writeBuffer.Length : readBuffer.Length, region.Size - pos);
        using (MemoryLock.ReadLock())
        {
            if (!MemoryEnabled)
            {
                return -Errno.EIO;
            }

            return isWrite ? Pdev.WriteBar(bar, pos, writeBuffer[..count]) : Pdev.ReadBar(bar, pos, readBuffer[..count]);
        }
    }
}
