using VfioPm.Annotations;

namespace VfioPm.Runtime.Vfio;

// mmap of BARs and zapping (6.10+: unmap_mapping_range under memory_lock write).
public sealed partial class VfioPciCoreDevice
{
    // models vfio_pci_core_mmap(): memory BARs only; nothing is mapped until the first fault.
    internal int Mmap(int regionIndex, out VfioMmap? map)
    {
        map = null;
        if (regionIndex is < VfioUapi.VFIO_PCI_BAR0_REGION_INDEX or > VfioUapi.VFIO_PCI_BAR5_REGION_INDEX || !Pdev.Bars[regionIndex].IsImplemented)
        {
            return -Errno.EINVAL;
        }

        map = new VfioMmap(this, regionIndex);
        lock (_mmaps)
        {
            _mmaps.Add(map);
        }

        return 0;
    }

    /// <summary>Mappings currently tracked (mmapped and not yet unmapped).</summary>
    public int MmapCount
    {
        get
        {
            lock (_mmaps)
            {
                return _mmaps.Count;
            }
        }
    }

    // The mapping was unmapped by the user: nothing to zap any more.
    internal void ForgetMmap(VfioMmap map)
    {
        lock (_mmaps)
        {
            _mmaps.Remove(map);
        }
    }

    // models vfio_pci_zap_bars(). Caller holds memory_lock for write (or is tearing the device down).
    internal void ZapMmaps()
    {
        VfioMmap[] maps;
        lock (_mmaps)
        {
            maps = _mmaps.ToArray();
        }

        foreach (var m in maps)
        {
            m.Zap();
        }
    }

    // models vfio_pci_zap_and_down_write_memory_lock() (6.10+ form): take the lock, then zap.
    [AcquiresMemoryLock(MemoryLockMode.Exclusive)]
    internal void ZapAndDownWriteMemoryLock()
    {
        MemoryLock.DownWrite();
        ZapMmaps();
    }
}
