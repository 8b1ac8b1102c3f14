// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_zap_and_down_write_memory_lock() — returns holding memory_lock for
//        write with every user mmap of the BARs zapped, so the next user access faults and waits for the lock
namespace KernelCorpus.Cases;

public abstract class VfioPciZapAndDownWriteMemoryLockPort
{
    [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    public void VfioPciZapAndDownWriteMemoryLock(CoreDevice vdev)
    {
        vdev.MemoryLock.DownWrite();
        VfioPciZapBars(vdev);
    }

    // vfio_pci_zap_bars(): unmap_mapping_range() of the device's BAR mmaps; the mmap fault path takes memory_lock.
    [RequiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    protected abstract void VfioPciZapBars(CoreDevice vdev);
}
