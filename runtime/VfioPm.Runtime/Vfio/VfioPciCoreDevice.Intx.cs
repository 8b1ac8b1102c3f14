using System;
using System.Buffers.Binary;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// INTx (vfio_pci_intrs.c): the user's trigger eventfd, mask/unmask with "masked value changed" results, and the
// shared-line handler that must not read config space of a masked (possibly powered-off) function.
public sealed partial class VfioPciCoreDevice
{
    // igate serializes interrupt configuration; irqlock protects the INTx context. Order: igate -> irqlock.
    private readonly object _igate = new();
    private readonly object _irqLock = new();
    [GuardedBy("_irqLock")]
    private bool _intxMasked;
    private volatile bool _virqDisabled;
    private IntxLine.Registration? _intxRegistration;
    private EventFd? _intxTrigger;

    /// <summary>The configured interrupt mode (<c>irq_type</c>).</summary>
    public VfioIrqType IrqType { get; private set; } = VfioIrqType.None;

    /// <summary>The INTx context's <c>masked</c> flag.</summary>
    public bool IntxMasked
    {
        get
        {
            lock (_irqLock)
            {
                return _intxMasked;
            }
        }
    }

    private bool Pci23 => Pdev.Spec.IntxDisableSupported;

    /// <summary>Masks INTx.</summary>
    /// <returns>True only if this call changed the context from unmasked to masked.</returns>
    /// <remarks>Takes igate then irqlock (~6.9+: external callers take igate). Touches config space: the function must be in D0.</remarks>
    // models vfio_pci_intx_mask()
    internal bool IntxMask()
    {
        lock (_igate)
        {
            lock (_irqLock)
            {
                if (IrqType != VfioIrqType.Intx)
                {
                    // Not in INTx mode: keep the pin quiet in the device if it can.
                    if (Pci23)
                    {
                        SetIntxDisable(true);
                    }

                    return false;
                }

                if (_intxMasked)
                {
                    return false;
                }

                if (Pci23)
                {
                    SetIntxDisable(true);
                }
                else
                {
                    _intxRegistration?.Disable();
                }

                _intxMasked = true;
                return true;
            }
        }
    }

    /// <summary>Unmasks INTx unless the guest disabled it; an interrupt still pending keeps it masked and is re-delivered.</summary>
    /// <returns>True when an interrupt was pending.</returns>
    /// <remarks>Takes igate then irqlock. Touches config space: the function must be in D0.</remarks>
    // models vfio_pci_intx_unmask()
    internal bool IntxUnmask()
    {
        var pending = false;
        lock (_igate)
        {
            lock (_irqLock)
            {
                if (IrqType != VfioIrqType.Intx)
                {
                    if (Pci23)
                    {
                        SetIntxDisable(false);
                    }

                    return false;
                }

                if (_intxMasked && !_virqDisabled)
                {
                    if (Pci23)
                    {
                        // pci_check_and_unmask_intx(): stay masked if the device is still asserting.
                        pending = (Pdev.ReadConfig16(PciRegs.Status) & PciRegs.StatusInterrupt) != 0;
                        if (!pending)
                        {
                            SetIntxDisable(false);
                        }
                    }
                    else
                    {
                        _intxRegistration?.Enable();
                    }

                    _intxMasked = pending;
                }
            }
        }

        if (pending)
        {
            _intxTrigger?.Signal(1);
        }

        return pending;
    }

    // models vfio_intx_handler(): runs for every interrupt on the (shared) line. A masked context never looks at
    // config space — that is what keeps a powered-off function safe on a shared line.
    private bool IntxHandler()
    {
        var handled = false;
        lock (_irqLock)
        {
            if (!Pci23)
            {
                _intxRegistration?.Disable();
                _intxMasked = true;
                handled = true;
            }
            else if (!_intxMasked && CheckAndMaskIntx())
            {
                _intxMasked = true;
                handled = true;
            }
        }

        if (handled)
        {
            _intxTrigger?.Signal(1);
        }

        return handled;
    }

    // models pci_check_and_mask_intx(): read STATUS; if our function is asserting, set INTx-disable.
    private bool CheckAndMaskIntx()
    {
        if ((Pdev.ReadConfig16(PciRegs.Status) & PciRegs.StatusInterrupt) == 0)
        {
            return false;
        }

        SetIntxDisable(true);
        return true;
    }

    private void SetIntxDisable(bool disable)
    {
        var command = Pdev.ReadConfig16(PciRegs.Command);
        var updated = disable ? command | PciRegs.CommandIntxDisable : command & ~PciRegs.CommandIntxDisable;
        if (updated != command)
        {
            Pdev.WriteConfig16(PciRegs.Command, (ushort)updated);
        }
    }

    // models vfio_pci_set_irqs_ioctl() for the INTx and MSI/MSI-X indexes (ERR/REQ are accepted and ignored).
    // Runs inside the ioctl wrapper (device active).
    private int SetIrqs(ReadOnlySpan<byte> arg, FileDescriptorTable fds)
    {
        if (!VfioIrqSet.TryRead(arg, out var req))
        {
            return -Errno.EFAULT;
        }

        if (req.Argsz < VfioIrqSet.Size)
        {
            return -Errno.EINVAL;
        }

        var data = arg[VfioIrqSet.Size..];
        var action = req.Flags & (VfioIrqSet.ActionMask | VfioIrqSet.ActionUnmask | VfioIrqSet.ActionTrigger);
        var dataType = req.Flags & (VfioIrqSet.DataNone | VfioIrqSet.DataBool | VfioIrqSet.DataEventfd);
        if (action == 0 || (action & (action - 1)) != 0 || dataType == 0 || (dataType & (dataType - 1)) != 0)
        {
            return -Errno.EINVAL;
        }

        switch (req.Index)
        {
            case VfioIrqSet.IndexIntx:
                if (!Pdev.Spec.HasIntx || req.Start != 0 || req.Count > 1)
                {
                    return -Errno.EINVAL;
                }

                if (action == VfioIrqSet.ActionMask)
                {
                    IntxMask();
                    return 0;
                }

                if (action == VfioIrqSet.ActionUnmask)
                {
                    IntxUnmask();
                    return 0;
                }

                return IntxTrigger(req, data, dataType, fds);

            case VfioIrqSet.IndexMsi:
            case VfioIrqSet.IndexMsix:
                if (action != VfioIrqSet.ActionTrigger)
                {
                    return -Errno.EINVAL;
                }

                lock (_igate)
                {
                    DisableIntxLocked();
                    IrqType = req.Count == 0 ? VfioIrqType.None : (req.Index == VfioIrqSet.IndexMsi ? VfioIrqType.Msi : VfioIrqType.Msix);
                }

                return 0;

            case 3:
            case 4:
                return 0;

            default:
                return -Errno.EINVAL;
        }
    }

    private int IntxTrigger(VfioIrqSet req, ReadOnlySpan<byte> data, uint dataType, FileDescriptorTable fds)
    {
        lock (_igate)
        {
            if (dataType == VfioIrqSet.DataNone && req.Count == 0)
            {
                DisableIntxLocked();
                return 0;
            }

            if (dataType != VfioIrqSet.DataEventfd || req.Count != 1)
            {
                return -Errno.EINVAL;
            }

            if (data.Length < 4)
            {
                return -Errno.EFAULT;
            }

            var fd = BinaryPrimitives.ReadInt32LittleEndian(data);
            if (fd < 0)
            {
                DisableIntxLocked();
                return 0;
            }

            var ret = fds.ResolveEventFd(fd, out var trigger);
            if (ret != 0)
            {
                return ret;
            }

            DisableIntxLocked();
            _intxTrigger = trigger;
            IrqType = VfioIrqType.Intx;
            lock (_irqLock)
            {
                _intxMasked = false;
            }

            if (Pci23)
            {
                SetIntxDisable(false);
            }

            if (Pdev.Intx is { } line)
            {
                _intxRegistration = line.Register(Pdev, IntxHandler);
            }

            return 0;
        }
    }

    // Caller holds igate.
    private void DisableIntxLocked()
    {
        _intxRegistration?.Dispose();
        _intxRegistration = null;
        _intxTrigger = null;
        if (IrqType == VfioIrqType.Intx)
        {
            IrqType = VfioIrqType.None;
        }
    }

    // models vfio_pci_irq_disable-all at close.
    private void DisableInterrupts()
    {
        lock (_igate)
        {
            DisableIntxLocked();
            IrqType = VfioIrqType.None;
        }
    }

    /// <summary>The guest's virtual INTx disable (COMMAND bit 10 as the guest wrote it): a masked line stays masked.</summary>
    internal bool VirqDisabled
    {
        get => _virqDisabled;
        set => _virqDisabled = value;
    }
}
