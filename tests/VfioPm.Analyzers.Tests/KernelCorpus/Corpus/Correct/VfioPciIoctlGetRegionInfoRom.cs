// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_ioctl_get_region_info(), the VFIO_PCI_ROM_REGION_INDEX case — memory
//        decode enabled under memory_lock around pci_map_rom()
// why: pci_map_rom() takes the pci_dev while the lock is vdev->memory_lock; [DeviceAccess] cannot name another object's lock (issue 12 §2)
namespace KernelCorpus.Cases;

public abstract class VfioPciIoctlGetRegionInfoRomPort
{
    public const uint RegionInfoFlagRead = 1;

    [RequiresPmReference("vdev.Pdev.Power")]
    public long RomRegionInfo(CoreDevice vdev, out uint flags)
    {
        long size;
        ushort cmd;

        flags = 0;
        // Report the BAR size, not the ROM size.
        size = RomBarLength(vdev.Pdev);
        if (size == 0)
            return 0;

        // Is it really there? Enable memory decode for the implicit access in pci_map_rom().
        cmd = MemoryLockAndEnable(vdev);
        if (PciMapRom(vdev.Pdev))
        {
            flags = RegionInfoFlagRead;
            PciUnmapRom(vdev.Pdev);
        }
        else
        {
            size = 0;
        }
        MemoryUnlockAndRestore(vdev, cmd);

        return size;
    }

    // vfio_pci_memory_lock_and_enable() / _unlock_and_restore() (Correct/VfioPciMemoryLockAndEnable, ...UnlockAndRestore).
    [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    [RequiresPmReference("vdev.Pdev.Power")]
    protected abstract ushort MemoryLockAndEnable(CoreDevice vdev);

    [ReleasesMemoryLock(Lock = "vdev.MemoryLock")]
    [RequiresPmReference("vdev.Pdev.Power")]
    protected abstract void MemoryUnlockAndRestore(CoreDevice vdev, ushort cmd);

    protected abstract long RomBarLength(PciDevice pdev);

    // pci_map_rom() reads the ROM through memory decode: memory_lock held, device in D0.
    [DeviceAccess(MemoryLockMode.Exclusive)]
    protected abstract bool PciMapRom(PciDevice pdev);

    protected abstract void PciUnmapRom(PciDevice pdev);
}
