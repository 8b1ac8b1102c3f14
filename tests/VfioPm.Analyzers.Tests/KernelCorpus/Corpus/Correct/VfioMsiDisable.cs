// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_intrs.c vfio_msi_disable() — each vector's trigger released (its own brackets, in
//        vfio_msi_set_vector_signal()), then pci_free_irq_vectors() inside the memory-enable bracket
// why: the hardware lock is named by [PtGuardedBy] on vdev.Pdev (issue 12: the runtime's hardware contracts), reached
//      through the device argument of the accessors or the pdev alias
namespace KernelCorpus.Cases;

public abstract class VfioMsiDisablePort
{
    private const int VfioPciNumIrqs = 5; // VFIO_PCI_NUM_IRQS: no interrupt type set

    [RequiresPmReference("vdev.Pdev.Power")]
    public void VfioMsiDisable(CoreDevice vdev, bool msix)
    {
        var pdev = vdev.Pdev;
        ushort cmd;

        // xa_for_each(&vdev->ctx, i, ctx)
        foreach (var i in CtxIndexes(vdev))
        {
            VfioVirqfdDisableUnmask(vdev, i);
            VfioVirqfdDisableMask(vdev, i);
            VfioMsiSetVectorSignal(vdev, i, -1, msix);
        }

        cmd = VfioPciMemoryLockAndEnable(vdev);
        PciFreeIrqVectors(pdev);
        VfioPciMemoryUnlockAndRestore(vdev, cmd);

        // Both disable paths above use pci_intx_for_msi() to clear DisINTx via their shutdown paths. Restore for NoINTx
        // devices.
        if (vdev.NoIntx)
            PciIntx(pdev, false);

        vdev.IrqType = VfioPciNumIrqs;
    }

    protected abstract IEnumerable<int> CtxIndexes(CoreDevice vdev);

    protected abstract void VfioVirqfdDisableUnmask(CoreDevice vdev, int vector);

    protected abstract void VfioVirqfdDisableMask(CoreDevice vdev, int vector);

    // vfio_msi_set_vector_signal() (Correct/VfioMsiSetVectorSignal): brackets its own free_irq().
    [RequiresPmReference("vdev.Pdev.Power")]
    protected abstract int VfioMsiSetVectorSignal(CoreDevice vdev, int vector, int fd, bool msix);

    [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    protected abstract ushort VfioPciMemoryLockAndEnable(CoreDevice vdev);

    [ReleasesMemoryLock(Lock = "vdev.MemoryLock")]
    protected abstract void VfioPciMemoryUnlockAndRestore(CoreDevice vdev, ushort cmd);

    // pci_free_irq_vectors(): masks every vector in the MSI-X table.
    [DeviceAccess(MemoryLockMode.Shared)]
    protected abstract void PciFreeIrqVectors(PciDevice pdev);

    // pci_intx(): the INTx disable bit of COMMAND (config space).
    [DeviceAccess(LockFree = true)]
    protected abstract void PciIntx(PciDevice pdev, bool enable);
}
