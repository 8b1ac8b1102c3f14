using System.Collections.Generic;
using System.Threading;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// The vfio-pci core device (<c>struct vfio_pci_core_device</c>): registration with runtime PM, open/close, the
/// low-power features, <c>memory_lock</c>, INTx masking across runtime suspend, region access and mmap, device-set
/// reset and SR-IOV. Its runtime suspend/resume callbacks are reached through <see cref="VfioPciCorePmOps"/>, which
/// the PCI core installs as the function's driver PM ops when the driver binds.
/// </summary>
/// <remarks>
/// Lock order: device-set lock → <see cref="MemoryLock"/> → <c>igate</c> → <c>irqlock</c> (the last two inside
/// <see cref="VfioIntx"/>). Code holding <see cref="MemoryLock"/> never calls a synchronous runtime resume/suspend of
/// this device: the callbacks take it. This file holds all of the device's state, grouped by what guards it; the
/// partial files hold behaviour only.
/// </remarks>
public sealed partial class VfioPciCoreDevice
{
    // ---- Fixed at construction ----
    // Pdev, MemoryLock, DisableIdleD3 (properties below) and the INTx context, which carries its own igate → irqlock.
    private readonly VfioIntx _intx;

    // ---- Device-set lock (DevSet.Gate): open/close and what enable/disable save ----
    // _openCount is written under the lock and read lock-free by observers (Volatile).
    private int _openCount;

    // vfio_pci_core_enable() completed and vfio_pci_core_disable() has not started: vfio owns the open reference
    // (none with disable_idle_d3, whose registration reference keeps the function up instead).
    [OwnsPmReference(nameof(Pdev), Unless = nameof(DisableIdleD3))]
    private bool _enabled;
    private byte[]? _pciSavedState;
    private bool _resetWorks;

    // ---- memory_lock (write to change; readers hold it at least for read) ----
    // Flags changed at runtime are independent fields (the 2026 bitfield fix): no shared read-modify-write unit.
    // While set, the open reference is given up to the user's low-power state (entry puts it, exit takes it back).
    [GuardedBy("MemoryLock")]
    [ForgoesPmReference(nameof(Pdev))]
    private bool _pmRuntimeEngaged;
    [GuardedBy("MemoryLock")]
    private EventFd? _pmWakeEventFd;
    [GuardedBy("MemoryLock")]
    private byte[]? _pmSave;
    // While set, vfio owns the PF reference taken at SR-IOV enable (pinned while VFs exist; put once at disable).
    [GuardedBy("MemoryLock")]
    [OwnsPmReference(nameof(Pdev))]
    private bool _sriovActive;

    // The user's COMMAND register (vconfig). Its Memory bit changes only under memory_lock write (BAR access and mmap
    // faults read it under memory_lock); the other bits are written by the user's config writes and by enable.
    private ushort _virtCommand;

    // ---- The mmap list's own lock (the list object) ----
    private readonly List<VfioMmap> _mmaps = new();

    // ---- vfio_pci_sriov_pfs_mutex (the set object): PFs in SR-IOV configuration, across devices ----
    private static readonly HashSet<VfioPciCoreDevice> SriovPfs = new();

    // ---- Registration (vfio_device refcount + comp) ----
    // _registrationRefs: 1 from Register plus one per open file; an open takes one only while it is above zero
    // (refcount_inc_not_zero), so once Unregister has dropped the first no new file can appear. Unregister waits on
    // _registrationGate (the completion) until the count reaches zero. _registered: 0 none, 1 registered,
    // 2 unregistering (set first in Unregister, cleared after the wait).
    private int _registrationRefs;
    private readonly object _registrationGate = new();
    // While registered (or unregistering), the PCI core's probe reference is given up so the unused function can idle
    // into D3 (register puts it, unregister takes it back); with disable_idle_d3 nothing is given up.
    [ForgoesPmReference(nameof(Pdev), Unless = nameof(DisableIdleD3))]
    private int _registered;

    // ---- The REQ and ERR eventfds (SET_IRQS indexes 3 and 4): their own lock ----
    // The kernel guards them with igate; they are single pointers replaced by SET_IRQS and close and read by the
    // request op, so a lock of their own gives the same ordering without reaching into VfioIntx.
    private readonly object _triggerLock = new();
    [GuardedBy("_triggerLock")]
    private EventFd? _reqTrigger;
    [GuardedBy("_triggerLock")]
    private EventFd? _errTrigger;

    // ---- Lock-free single-word flags and counters ----
    // _needsReset: set at close, cleared by resets. _requestsRelayed: device requests signalled (Interlocked).
    // _pmIntxMasked: written by runtime suspend, read by the runtime resume that follows it (the PM core orders them).
    private volatile bool _needsReset;
    private volatile bool _pmIntxMasked;
    private int _requestsRelayed;

    // ---- Set once at registration (probe; the driver core serializes it with remove) ----
    private bool _needsPmRestore;
    private DeviceSet? _devSet;

    /// <summary>Creates the core device for <paramref name="pdev"/>; <see cref="Register"/> makes it usable.</summary>
    public VfioPciCoreDevice(PciDevice pdev, VfioPciOptions? options = null)
    {
        Pdev = pdev;
        // disable_idle_d3 is latched per device at creation (2026 fix): a later module-parameter change cannot unbalance get/put.
        DisableIdleD3 = (options ?? new VfioPciOptions()).DisableIdleD3;
        MemoryLock = new MemoryLock($"{pdev.Name}/memory_lock");
        _intx = new VfioIntx(pdev);
    }

    /// <summary>The PCI function. Its hardware is guarded by <see cref="MemoryLock"/> (BARs for read, reset and power state for write); its runtime-PM callbacks are this device's.</summary>
    [PmDevice]
    [PtGuardedBy(nameof(MemoryLock))]
    public PciDevice Pdev { get; }

    /// <summary><c>memory_lock</c>: write to change memory enable, power state and <see cref="PmRuntimeEngaged"/>; read for BAR access and mmap faults.</summary>
    public MemoryLock MemoryLock { get; }

    /// <summary><c>disable_idle_d3</c> as latched for this device.</summary>
    /// <remarks>While set, registration keeps the PCI core's probe reference, so the function never idles while registered.</remarks>
    [OwnsPmReference(nameof(Pdev))]
    public bool DisableIdleD3 { get; }

    /// <summary>The reset group, once registered.</summary>
    public DeviceSet? DevSet => Volatile.Read(ref _devSet);

    /// <summary>True between <see cref="Register"/> and the start of <see cref="Unregister"/>.</summary>
    public bool IsRegistered => Volatile.Read(ref _registered) == 1;

    /// <summary>True while <see cref="Unregister"/> waits for the last open file to close.</summary>
    public bool IsUnregistering => Volatile.Read(ref _registered) == 2;

    /// <summary><c>pm_runtime_engaged</c>: the user's low-power feature is active and vfio has given up its open reference.</summary>
    /// <remarks>Written under <see cref="MemoryLock"/> (write); this read-out is for observers and may be stale.</remarks>
    public bool PmRuntimeEngaged => Volatile.Read(ref _pmRuntimeEngaged);

    /// <summary>True while a wake-up eventfd from LOW_POWER_ENTRY_WITH_WAKEUP is armed.</summary>
    public bool HasWakeEventFd => Volatile.Read(ref _pmWakeEventFd) is not null;

    /// <summary><c>pm_intx_masked</c>: the last runtime suspend masked INTx, so resume unmasks it.</summary>
    public bool PmIntxMasked => _pmIntxMasked;

    /// <summary><c>needs_pm_restore</c>: the function lacks No_Soft_Reset, so vfio saves/restores state around D3hot.</summary>
    public bool NeedsPmRestore => _needsPmRestore;

    /// <summary><c>needs_reset</c>: the device was used and a bus/slot reset is wanted when the set is closed.</summary>
    public bool NeedsReset
    {
        get => _needsReset;
        internal set => _needsReset = value;
    }

    /// <summary><c>sriov_active</c> (2026+): VFs are being or have been enabled; the PF must not leave D0.</summary>
    public bool SriovActive => Volatile.Read(ref _sriovActive);

    /// <summary>How many times the device is open (the device's <c>open_count</c>).</summary>
    public int OpenCount => Volatile.Read(ref _openCount);

    /// <summary>A function reset worked at open (<c>reset_works</c>).</summary>
    public bool ResetWorks => Volatile.Read(ref _resetWorks);
}
