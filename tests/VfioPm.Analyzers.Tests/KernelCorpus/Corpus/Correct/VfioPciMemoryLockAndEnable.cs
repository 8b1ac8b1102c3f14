// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_memory_lock_and_enable() — returns holding memory_lock for write
namespace KernelCorpus.Cases;

public static class VfioPciMemoryLockAndEnablePort
{
    [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    [RequiresPmReference("vdev.Pdev.Power")]
    public static ushort VfioPciMemoryLockAndEnable(CoreDevice vdev)
    {
        ushort cmd;

        vdev.MemoryLock.DownWrite();
        cmd = Pci.ReadConfigWord(vdev.Pdev, Pci.Command);
        if ((cmd & Pci.CommandMemory) == 0)
            Pci.WriteConfigWord(vdev.Pdev, Pci.Command, (ushort)(cmd | Pci.CommandMemory));

        return cmd;
    }
}
