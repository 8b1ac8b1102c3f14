using System.Diagnostics.CodeAnalysis;
using System.Threading;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// The vfio-pci core device (<c>struct vfio_pci_core_device</c>): registration with runtime PM, open/close, the
/// low-power features, <c>memory_lock</c>, INTx masking across runtime suspend, region access and mmap, device-set
/// reset and SR-IOV. Its runtime suspend/resume callbacks are installed as the PCI function's driver PM ops.
/// </summary>
/// <remarks>
/// Lock order: device-set lock → <see cref="MemoryLock"/> → <c>igate</c> → <c>irqlock</c>. Code holding
/// <see cref="MemoryLock"/> never calls a synchronous runtime resume/suspend of this device: the callbacks take it.
/// </remarks>
public sealed partial class VfioPciCoreDevice
{
    // Flags changed at runtime are independent fields (the 2026 bitfield fix): no shared read-modify-write unit.
    [GuardedBy("MemoryLock")]
    private bool _pmRuntimeEngaged;
    [GuardedBy("MemoryLock")]
    private EventFd? _pmWakeEventFd;
    [GuardedBy("MemoryLock")]
    private byte[]? _pmSave;
    [GuardedBy("MemoryLock")]
    private bool _sriovActive;
    private volatile bool _pmIntxMasked;
    private volatile bool _needsReset;
    private int _openCount;
    private int _registered;

    /// <summary>Creates the core device for <paramref name="pdev"/>; <see cref="Register"/> makes it usable.</summary>
    public VfioPciCoreDevice(PciDevice pdev, VfioPciOptions? options = null)
    {
        Pdev = pdev;
        // disable_idle_d3 is latched per device at creation (2026 fix): a later module-parameter change cannot unbalance get/put.
        DisableIdleD3 = (options ?? new VfioPciOptions()).DisableIdleD3;
        MemoryLock = new MemoryLock($"{pdev.Name}/memory_lock");
        Ops = new CoreDevicePmOps(this);
    }

    /// <summary>The PCI function.</summary>
    public PciDevice Pdev { get; }

    /// <summary><c>memory_lock</c>: write to change memory enable, power state and <see cref="PmRuntimeEngaged"/>; read for BAR access and mmap faults.</summary>
    public MemoryLock MemoryLock { get; }

    /// <summary><c>disable_idle_d3</c> as latched for this device.</summary>
    public bool DisableIdleD3 { get; }

    /// <summary>The reset group, once registered.</summary>
    public DeviceSet? DevSet { get; private set; }

    /// <summary>True between <see cref="Register"/> and <see cref="Unregister"/>.</summary>
    public bool IsRegistered => Volatile.Read(ref _registered) != 0;

    /// <summary><c>pm_runtime_engaged</c>: the user's low-power feature is active and vfio has given up its open reference.</summary>
    /// <remarks>Written under <see cref="MemoryLock"/> (write); this read-out is for observers and may be stale.</remarks>
    [SuppressMessage("VfioPm.Locking", "VPM0009", Justification = "Read-out for observers and tests; documented as possibly stale. The model's own readers hold memory_lock.")]
    public bool PmRuntimeEngaged => Volatile.Read(ref _pmRuntimeEngaged);

    /// <summary>True while a wake-up eventfd from LOW_POWER_ENTRY_WITH_WAKEUP is armed.</summary>
    [SuppressMessage("VfioPm.Locking", "VPM0009", Justification = "Read-out for observers and tests; documented as possibly stale. The model's own readers hold memory_lock.")]
    public bool HasWakeEventFd => Volatile.Read(ref _pmWakeEventFd) is not null;

    /// <summary><c>pm_intx_masked</c>: the last runtime suspend masked INTx, so resume unmasks it.</summary>
    public bool PmIntxMasked => _pmIntxMasked;

    /// <summary><c>needs_pm_restore</c>: the function lacks No_Soft_Reset, so vfio saves/restores state around D3hot.</summary>
    public bool NeedsPmRestore { get; private set; }

    /// <summary><c>needs_reset</c>: the device was used and a bus/slot reset is wanted when the set is closed.</summary>
    public bool NeedsReset
    {
        get => _needsReset;
        internal set => _needsReset = value;
    }

    /// <summary><c>sriov_active</c> (2026+): VFs are being or have been enabled; the PF must not leave D0.</summary>
    [SuppressMessage("VfioPm.Locking", "VPM0009", Justification = "Read-out for observers and tests; documented as possibly stale. The model's own readers hold memory_lock.")]
    public bool SriovActive => Volatile.Read(ref _sriovActive);

    /// <summary>How many times the device is open (the device's <c>open_count</c>).</summary>
    public int OpenCount => Volatile.Read(ref _openCount);

    /// <summary>A function reset worked at open (<c>reset_works</c>).</summary>
    public bool ResetWorks { get; private set; }

    /// <summary>The runtime-PM callbacks installed as the function's driver PM ops (<c>vfio_pci_core_pm_ops</c>).</summary>
    public IRuntimePmCallbacks Ops { get; }

    /// <summary>Registers the device: D0 first, PM ops installed, runtime PM allowed, and (unless <see cref="DisableIdleD3"/>) the probe reference dropped so the unused device can idle into D3.</summary>
    /// <returns>0; <c>-EINVAL</c> for a bridge (header type must be normal) or a second registration; <c>-EBUSY</c> for a PF that already has VFs.</returns>
    /// <remarks>Called from probe, with the PCI core's probe reference held. May sleep.</remarks>
    // models vfio_pci_core_register_device()
    [SuppressMessage("VfioPm.RuntimePm", "VPM0002", Justification = "vfio_pci_core_register_device(): drops the PCI core's probe reference so the unused device can idle into D3 (spec 3.3).")]
    public int Register()
    {
        if (Pdev.IsBridge || IsRegistered)
        {
            return -Errno.EINVAL;
        }

        // Cannot bind to a PF with SR-IOV enabled.
        if (Pdev.IsPhysFn && Pdev.NumVfs > 0)
        {
            return -Errno.EBUSY;
        }

        DevSet = DeviceSet.Join(this);
        ProbePowerState();

        // The PCI core may have left the state unknown; D0 is the only legal way out of it.
        using (MemoryLock.WriteLock())
        {
            SetPowerStateLocked(PciPowerState.D0);
        }

        Pdev.Driver = Ops;
        Pdev.Power.Allow();
        if (!DisableIdleD3)
        {
            Pdev.Power.Put();
        }

        Volatile.Write(ref _registered, 1);
        return 0;
    }

    /// <summary>Unregisters: disables VFs, takes back the reference dropped at registration, and forbids runtime PM (power/control ends "on").</summary>
    /// <returns>0; <c>-EBUSY</c> while the device is open (the kernel waits for users; the model cannot).</returns>
    /// <remarks>May sleep.</remarks>
    // models vfio_pci_core_unregister_device()
    [SuppressMessage("VfioPm.RuntimePm", "VPM0001", Justification = "vfio_pci_core_unregister_device(): re-takes the reference the PCI core drops after remove (spec 3.3).")]
    public int Unregister()
    {
        if (!IsRegistered)
        {
            return -Errno.EINVAL;
        }

        if (OpenCount > 0)
        {
            return -Errno.EBUSY;
        }

        SriovConfigure(0);
        Volatile.Write(ref _registered, 0);
        DevSet?.Leave(this);
        if (!DisableIdleD3)
        {
            Pdev.Power.GetNoResume();
        }

        Pdev.Power.Forbid();
        return 0;
    }

    // models vfio_pci_probe_power_state(): a function without No_Soft_Reset loses state in D3hot.
    private void ProbePowerState()
    {
        if (Pdev.PmCap == 0)
        {
            return;
        }

        var pmcsr = Pdev.ReadConfig16(Pdev.PmCap + PciRegs.PmCtrl);
        NeedsPmRestore = (pmcsr & PciRegs.PmCtrlNoSoftReset) == 0;
    }
}
