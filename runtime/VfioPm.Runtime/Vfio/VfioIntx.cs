using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// The INTx side of a vfio-pci device (vfio_pci_intrs.c): the configured interrupt mode, the INTx context (trigger
/// eventfd, <c>masked</c>), mask/unmask with "masked value changed" results, and the shared-line handler that must
/// not read config space of a masked (possibly powered-off) function.
/// </summary>
/// <remarks>
/// Two locks of its own. <c>igate</c> serializes interrupt configuration (mode, trigger, line registration) and every
/// mask/unmask; <c>irqlock</c> protects the context's <c>masked</c> flag against the line's handler. Order:
/// <c>igate</c> → <c>irqlock</c>; both are taken inside <c>memory_lock</c> and the device-set lock, never around them.
/// Mask and unmask touch config space: callers ensure the function is in D0.
/// </remarks>
internal sealed class VfioIntx
{
    private readonly PciDevice _pdev;

    // ---- vdev->igate: interrupt configuration ----
    private readonly object _igate = new();
    private VfioIrqType _irqType = VfioIrqType.None;
    private IntxLine.Registration? _registration;
    private EventFd? _trigger;

    // ---- vdev->irqlock: the INTx context ----
    private readonly object _irqLock = new();
    [GuardedBy("_irqLock")]
    private bool _masked;

    // ---- lock-free: written by config writes and close, read by unmask (vdev->virq_disabled) ----
    private volatile bool _virqDisabled;

    public VfioIntx(PciDevice pdev) => _pdev = pdev;

    /// <summary>The configured interrupt mode (<c>irq_type</c>). Read without igate: may be stale.</summary>
    public VfioIrqType IrqType => _irqType;

    /// <summary>The INTx context's <c>masked</c> flag.</summary>
    public bool Masked
    {
        get
        {
            lock (_irqLock)
            {
                return _masked;
            }
        }
    }

    /// <summary>The guest's virtual INTx disable (COMMAND bit 10 as the guest wrote it): a masked line stays masked.</summary>
    public bool VirqDisabled
    {
        get => _virqDisabled;
        set => _virqDisabled = value;
    }

    // vdev->pci_2_3: the function masks INTx in its own COMMAND register.
    private bool Pci23 => _pdev.Spec.IntxDisableSupported;

    /// <summary>Masks INTx.</summary>
    /// <returns>True only if this call changed the context from unmasked to masked.</returns>
    /// <remarks>Takes igate then irqlock (~6.9+: external callers take igate).</remarks>
    // models vfio_pci_intx_mask()
    [RequiresPmReference]
    public bool Mask()
    {
        lock (_igate)
        {
            lock (_irqLock)
            {
                if (_irqType != VfioIrqType.Intx)
                {
                    // Not in INTx mode: keep the pin quiet in the device if it can.
                    if (Pci23)
                    {
                        SetIntxDisable(true);
                    }

                    return false;
                }

                if (_masked)
                {
                    return false;
                }

                if (Pci23)
                {
                    SetIntxDisable(true);
                }
                else
                {
                    _registration?.Disable();
                }

                _masked = true;
                return true;
            }
        }
    }

    /// <summary>Unmasks INTx unless the guest disabled it; an interrupt still pending keeps it masked and is re-delivered.</summary>
    /// <returns>True when an interrupt was pending.</returns>
    /// <remarks>Takes igate then irqlock.</remarks>
    // models vfio_pci_intx_unmask()
    [RequiresPmReference]
    public bool Unmask()
    {
        var pending = false;
        lock (_igate)
        {
            lock (_irqLock)
            {
                if (_irqType != VfioIrqType.Intx)
                {
                    if (Pci23)
                    {
                        SetIntxDisable(false);
                    }

                    return false;
                }

                if (_masked && !_virqDisabled)
                {
                    if (Pci23)
                    {
                        // pci_check_and_unmask_intx(): stay masked if the device is still asserting.
                        pending = (_pdev.ReadConfig16(PciRegs.Status) & PciRegs.StatusInterrupt) != 0;
                        if (!pending)
                        {
                            SetIntxDisable(false);
                        }
                    }
                    else
                    {
                        _registration?.Enable();
                    }

                    _masked = pending;
                }
            }
        }

        if (pending)
        {
            SendEventfd();
        }

        return pending;
    }

    /// <summary>
    /// Sets up INTx delivery to <paramref name="trigger"/>, replacing any previous mode, and requests the line. The
    /// context starts masked when the guest has INTx disabled in its COMMAND register.
    /// </summary>
    /// <remarks>Takes igate.</remarks>
    // models vfio_intx_enable() + vfio_intx_set_signal()
    [RequiresPmReference]
    public void Enable(EventFd trigger)
    {
        lock (_igate)
        {
            DisableLocked();
            _trigger = trigger;
            _irqType = VfioIrqType.Intx;
            bool masked;
            lock (_irqLock)
            {
                // "If the virtual interrupt is masked, restore it."
                masked = _virqDisabled;
                _masked = masked;
            }

            if (Pci23)
            {
                SetIntxDisable(masked);
            }

            if (_pdev.Intx is { } line)
            {
                _registration = line.Register(_pdev, Handler);
                // INTx-disable sticks across the new handler; disable_irq does not (non-PCI-2.3 functions).
                if (!Pci23 && masked)
                {
                    _registration.Disable();
                }
            }
        }
    }

    /// <summary>Fires the trigger as if the device had interrupted (SET_IRQS DATA_NONE / DATA_BOOL true on INTx).</summary>
    /// <returns>0; <c>-EINVAL</c> when INTx is not the configured mode.</returns>
    /// <remarks>Takes igate.</remarks>
    // models the loopback tail of vfio_pci_set_intx_trigger()
    public int Loopback()
    {
        lock (_igate)
        {
            if (_irqType != VfioIrqType.Intx)
            {
                return -Errno.EINVAL;
            }
        }

        SendEventfd();
        return 0;
    }

    /// <summary>Tears INTx down (if configured) and selects <paramref name="mode"/> (MSI, MSI-X or none).</summary>
    /// <remarks>Takes igate.</remarks>
    // models the irq_type switch in vfio_pci_set_msi_trigger()
    public void SelectMode(VfioIrqType mode)
    {
        lock (_igate)
        {
            DisableLocked();
            _irqType = mode;
        }
    }

    /// <summary>Tears INTx down (if configured); the mode becomes none if it was INTx.</summary>
    /// <remarks>Takes igate.</remarks>
    // models vfio_intx_disable()
    public void Disable()
    {
        lock (_igate)
        {
            DisableLocked();
        }
    }

    /// <summary>Tears everything down: the mode becomes none.</summary>
    /// <remarks>Takes igate.</remarks>
    // models the interrupt part of vfio_pci_core_disable() (VFIO_IRQ_SET_DATA_NONE | ACTION_TRIGGER on the active index)
    public void DisableAll() => SelectMode(VfioIrqType.None);

    // models vfio_intx_handler(): runs for every interrupt on the (shared) line. A masked context never looks at
    // config space — that is what keeps a powered-off function safe on a shared line.
    // The line delivers it only while the function can assert INTx, i.e. is in D0: runtime suspend masks INTx before
    // the function leaves D0 and resume unmasks it after, so the handler's STATUS read has the device reachable.
    [RequiresPmReference]
    private bool Handler()
    {
        var handled = false;
        lock (_irqLock)
        {
            if (!Pci23)
            {
                _registration?.Disable();
                _masked = true;
                handled = true;
            }
            else if (!_masked && CheckAndMaskIntx())
            {
                _masked = true;
                handled = true;
            }
        }

        if (handled)
        {
            SendEventfd();
        }

        return handled;
    }

    // models vfio_send_intx_eventfd(): nothing reaches the user while the guest has INTx disabled.
    private void SendEventfd()
    {
        if (_irqType == VfioIrqType.Intx && !_virqDisabled)
        {
            _trigger?.Signal(1);
        }
    }

    // models pci_check_and_mask_intx(): read STATUS; if our function is asserting, set INTx-disable.
    [RequiresPmReference]
    private bool CheckAndMaskIntx()
    {
        if ((_pdev.ReadConfig16(PciRegs.Status) & PciRegs.StatusInterrupt) == 0)
        {
            return false;
        }

        SetIntxDisable(true);
        return true;
    }

    // models pci_intx(): the physical INTx-disable bit.
    [RequiresPmReference]
    private void SetIntxDisable(bool disable)
    {
        var command = _pdev.ReadConfig16(PciRegs.Command);
        var updated = disable ? command | PciRegs.CommandIntxDisable : command & ~PciRegs.CommandIntxDisable;
        if (updated != command)
        {
            _pdev.WriteConfig16(PciRegs.Command, (ushort)updated);
        }
    }

    // Caller holds igate. Freeing the line waits for its handler in flight (free_irq), so the trigger is dropped after.
    private void DisableLocked()
    {
        _registration?.Dispose();
        _registration = null;
        _trigger = null;
        if (_irqType == VfioIrqType.Intx)
        {
            _irqType = VfioIrqType.None;
        }
    }
}
