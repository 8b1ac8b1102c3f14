// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_intrs.c vfio_msi_alloc_irq() and vfio_msi_set_vector_signal() — free_irq() of the old
//        trigger, the dynamic MSI-X allocation and request_irq() each inside their own memory-enable bracket; the
//        eventfd and name unwound by labels when a later step fails
// why: the hardware lock is named by [PtGuardedBy] on vdev.Pdev (issue 12: the runtime's hardware contracts), reached
//      through the device argument of the accessors or the pdev alias
namespace KernelCorpus.Cases;

public abstract class VfioMsiSetVectorSignalPort
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioMsiAllocIrq(CoreDevice vdev, int vector, bool msix)
    {
        var pdev = vdev.Pdev;
        int irq;
        ushort cmd;

        irq = PciIrqVector(pdev, vector);
        if (irq == 0)
            return -Errno.EINVAL; // WARN_ON_ONCE
        if (irq > 0 || !msix || !HasDynMsix(vdev))
            return irq;

        cmd = VfioPciMemoryLockAndEnable(vdev);
        var map = PciMsixAllocIrqAt(pdev, vector);
        VfioPciMemoryUnlockAndRestore(vdev, cmd);

        return map.Index < 0 ? map.Index : map.Virq;
    }

    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioMsiSetVectorSignal(CoreDevice vdev, int vector, int fd, bool msix)
    {
        var pdev = vdev.Pdev;
        IrqCtx? ctx;
        EventFdCtx? trigger;
        int irq = -Errno.EINVAL, ret;
        ushort cmd;

        ctx = VfioIrqCtxGet(vdev, vector);

        if (ctx != null)
        {
            IrqBypassUnregisterProducer(ctx);
            irq = PciIrqVector(pdev, vector);
            cmd = VfioPciMemoryLockAndEnable(vdev);
            FreeIrq(pdev, irq, ctx.Trigger);
            VfioPciMemoryUnlockAndRestore(vdev, cmd);
            // Interrupt stays allocated, will be freed at MSI-X disable.
            ctx.Name = null;
            Vfio.EventFdCtxPut(ctx.Trigger!);
            VfioIrqCtxFree(vdev, ctx, vector);
        }

        if (fd < 0)
            return 0;

        if (irq == -Errno.EINVAL)
        {
            // Interrupt stays allocated, will be freed at MSI-X disable.
            irq = VfioMsiAllocIrq(vdev, vector, msix);
            if (irq < 0)
                return irq;
        }

        ctx = VfioIrqCtxAlloc(vdev, vector);
        if (ctx == null)
            return -Errno.ENOMEM;

        ctx.Name = Kasprintf(msix, vector, pdev);
        if (ctx.Name == null)
        {
            ret = -Errno.ENOMEM;
            goto out_free_ctx;
        }

        trigger = Vfio.EventFdCtxFdGet(fd);
        if (trigger == null)
        {
            ret = -Errno.EBADF;
            goto out_free_name;
        }

        // If the vector was previously allocated, refresh the on-device message data before enabling in case it had
        // been cleared or corrupted (e.g. due to backdoor resets) since writing.
        cmd = VfioPciMemoryLockAndEnable(vdev);
        if (msix)
        {
            var msg = GetCachedMsiMsg(irq);
            PciWriteMsiMsg(pdev, irq, msg);
        }

        ret = RequestIrq(pdev, irq, ctx.Name, trigger);
        VfioPciMemoryUnlockAndRestore(vdev, cmd);
        if (ret != 0)
            goto out_put_eventfd_ctx;

        ret = IrqBypassRegisterProducer(ctx, trigger, irq);
        if (ret != 0)
        {
            // dev_info(): irq bypass producer registration fails; the vector works without it.
        }
        ctx.Trigger = trigger;

        return 0;

    out_put_eventfd_ctx:
        Vfio.EventFdCtxPut(trigger);
    out_free_name:
        ctx.Name = null;
    out_free_ctx:
        VfioIrqCtxFree(vdev, ctx, vector);
        return ret;
    }

    public sealed class IrqCtx
    {
        public EventFdCtx? Trigger;
        public string? Name;
    }

    public readonly record struct MsiMap(int Index, int Virq);

    protected abstract IrqCtx? VfioIrqCtxGet(CoreDevice vdev, int vector);

    protected abstract IrqCtx? VfioIrqCtxAlloc(CoreDevice vdev, int vector);

    protected abstract void VfioIrqCtxFree(CoreDevice vdev, IrqCtx ctx, int vector);

    protected abstract bool HasDynMsix(CoreDevice vdev);

    protected abstract string? Kasprintf(bool msix, int vector, PciDevice pdev);

    protected abstract void IrqBypassUnregisterProducer(IrqCtx ctx);

    protected abstract int IrqBypassRegisterProducer(IrqCtx ctx, EventFdCtx trigger, int irq);

    protected abstract long GetCachedMsiMsg(int irq);

    // pci_irq_vector(): the Linux irq of a vector, from the msi descriptors (no device access).
    protected abstract int PciIrqVector(PciDevice pdev, int vector);

    [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    protected abstract ushort VfioPciMemoryLockAndEnable(CoreDevice vdev);

    [ReleasesMemoryLock(Lock = "vdev.MemoryLock")]
    protected abstract void VfioPciMemoryUnlockAndRestore(CoreDevice vdev, ushort cmd);

    // pci_msix_alloc_irq_at(): writes the new entry of the MSI-X table.
    [DeviceAccess(MemoryLockMode.Shared)]
    protected abstract MsiMap PciMsixAllocIrqAt(PciDevice pdev, int vector);

    // free_irq() of an MSI/MSI-X vector: masks it in the MSI-X table (pdev: the vector's device).
    [DeviceAccess(MemoryLockMode.Shared)]
    protected abstract void FreeIrq(PciDevice pdev, int irq, EventFdCtx? trigger);

    // pci_write_msi_msg(): the vector's address/data in the MSI-X table.
    [DeviceAccess(MemoryLockMode.Shared)]
    protected abstract void PciWriteMsiMsg(PciDevice pdev, int irq, long msg);

    // request_irq() of an MSI/MSI-X vector: unmasks it in the MSI-X table.
    [DeviceAccess(MemoryLockMode.Shared)]
    protected abstract int RequestIrq(PciDevice pdev, int irq, string name, EventFdCtx trigger);
}
