// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_memory_unlock_and_restore() — ends the section lock_and_enable began
namespace KernelCorpus.Cases;

public static class VfioPciMemoryUnlockAndRestorePort
{
    [ReleasesMemoryLock(Lock = "vdev.MemoryLock")]
    [RequiresPmReference("vdev.Pdev.Power")]
    public static void VfioPciMemoryUnlockAndRestore(CoreDevice vdev, ushort cmd)
    {
        Pci.WriteConfigWord(vdev.Pdev, Pci.Command, cmd);
        vdev.MemoryLock.UpWrite();
    }
}
