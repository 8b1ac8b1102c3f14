// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_intrs.c vfio_msi_enable() — pci_alloc_irq_vectors() programs the MSI-X table in a BAR,
//        so it runs inside the memory-enable bracket (vfio_pci_memory_lock_and_enable() … _unlock_and_restore()), left on
//        the short-allocation exit and after success; the vector free of the short exit is inside it too
// why: the hardware lock is named by [PtGuardedBy] on vdev.Pdev (issue 12: the runtime's hardware contracts), reached
//      through the device argument of the accessors or the pdev alias
namespace KernelCorpus.Cases;

public abstract class VfioMsiEnablePort
{
    private const int IrqMsi = 1;
    private const int IrqMsix = 2;

    // Inside the ioctl's runtime-PM bracket (vfio_pci_core_ioctl -> vfio_pci_set_irqs_ioctl), under vdev->igate.
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioMsiEnable(CoreDevice vdev, int nvec, bool msix)
    {
        var pdev = vdev.Pdev;
        int flag = msix ? IrqMsix : IrqMsi;
        int ret;
        ushort cmd;

        if (!IsIrqNone(vdev))
            return -Errno.EINVAL;

        // return the number of supported vectors if we can't get all:
        cmd = VfioPciMemoryLockAndEnable(vdev);
        ret = PciAllocIrqVectors(pdev, 1, nvec, flag);
        if (ret < nvec)
        {
            if (ret > 0)
                PciFreeIrqVectors(pdev);
            VfioPciMemoryUnlockAndRestore(vdev, cmd);
            return ret;
        }
        VfioPciMemoryUnlockAndRestore(vdev, cmd);

        vdev.IrqType = (int)(msix ? VfioIrqSet.IndexMsix : VfioIrqSet.IndexMsi);

        // Compute the virtual hardware field for max msi vectors - it is the log base 2 of the number of vectors.
        if (!msix)
            SetMsiQmax(vdev, nvec);

        return 0;
    }

    protected abstract bool IsIrqNone(CoreDevice vdev);

    protected abstract void SetMsiQmax(CoreDevice vdev, int nvec);

    // vfio_pci_memory_lock_and_enable() (Correct/VfioPciMemoryLockAndEnable).
    [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    protected abstract ushort VfioPciMemoryLockAndEnable(CoreDevice vdev);

    // vfio_pci_memory_unlock_and_restore() (Correct/VfioPciMemoryUnlockAndRestore).
    [ReleasesMemoryLock(Lock = "vdev.MemoryLock")]
    protected abstract void VfioPciMemoryUnlockAndRestore(CoreDevice vdev, ushort cmd);

    // pci_alloc_irq_vectors(): writes the MSI-X table (BAR memory) and the MSI capability.
    [DeviceAccess(MemoryLockMode.Shared)]
    protected abstract int PciAllocIrqVectors(PciDevice pdev, int minVecs, int maxVecs, int flags);

    // pci_free_irq_vectors(): masks every vector in the MSI-X table.
    [DeviceAccess(MemoryLockMode.Shared)]
    protected abstract void PciFreeIrqVectors(PciDevice pdev);
}
