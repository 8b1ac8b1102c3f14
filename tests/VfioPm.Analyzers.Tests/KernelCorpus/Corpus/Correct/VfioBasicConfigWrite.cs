// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_config.c vfio_basic_config_write() — a COMMAND write takes memory_lock for write
//        (zapping mmaps first when memory decode is being disabled); the same offset test releases it on both exits
namespace KernelCorpus.Cases;

public abstract class VfioBasicConfigWritePort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioBasicConfigWrite(CoreDevice vdev, int pos, int count, int offset, uint val)
    {
        bool newMem = false;

        // Command register writes with memory enable changes need the memory_lock.
        if (offset == Pci.Command)
        {
            newMem = (val & Pci.CommandMemory) != 0;
            if (!newMem)
                Vfio.ZapAndDownWriteMemoryLock(vdev);
            else
                vdev.MemoryLock.DownWrite();
        }

        count = VfioDefaultConfigWrite(vdev, pos, count, offset, val);
        if (count < 0)
        {
            if (offset == Pci.Command)
                vdev.MemoryLock.UpWrite();
            return count;
        }

        if (offset == Pci.Command)
        {
            // Track the virtual memory enable; a device moved to D3hot reads back with memory disabled.
            UpdateVirtualCommand(vdev, newMem);
            vdev.MemoryLock.UpWrite();
        }

        return count;
    }

    protected abstract int VfioDefaultConfigWrite(CoreDevice vdev, int pos, int count, int offset, uint val);

    protected abstract void UpdateVirtualCommand(CoreDevice vdev, bool memoryEnabled);
}
