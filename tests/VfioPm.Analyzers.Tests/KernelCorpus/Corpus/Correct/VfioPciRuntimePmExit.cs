// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_runtime_pm_exit()
namespace KernelCorpus.Cases;

public static class VfioPciRuntimePmExitPort
{
    public static void VfioPciRuntimePmExit(CoreDevice vdev)
    {
        // The vdev power related flags are protected with 'memory_lock' semaphore.
        vdev.MemoryLock.DownWrite();
        RuntimePmExitLocked(vdev);
        vdev.MemoryLock.UpWrite();
    }

    // __vfio_pci_runtime_pm_exit() (Correct/VfioPciRuntimePmExitLocked): its reference is owned by pm_runtime_engaged,
    // which no attribute of today can say, so it declares only its lock requirement.
    [RequiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    private static void RuntimePmExitLocked(CoreDevice vdev) { }
}
