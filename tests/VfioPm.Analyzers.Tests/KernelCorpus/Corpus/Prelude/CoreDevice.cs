namespace KernelCorpus.Prelude;

/// <summary>
/// struct vfio_pci_core_device (drivers/vfio/pci/vfio_pci_core.c, include/linux/vfio_pci_core.h): the fields the PM
/// paths read and write. The runtime's <c>VfioPciCoreDevice</c> keeps these private; a port needs them writable.
/// </summary>
public sealed class CoreDevice
{
    public CoreDevice(PciDevice pdev, CoreDeviceSet devSet, bool disableIdleD3 = false)
    {
        Pdev = pdev;
        DevSet = devSet;
        DisableIdleD3 = disableIdleD3;
    }

    /// <summary>The PCI function: its BARs, reset and power state are guarded by memory_lock; its PM callbacks are vfio's.</summary>
    [PmDevice, PtGuardedBy(nameof(MemoryLock))]
    public PciDevice Pdev { get; }

    /// <summary>memory_lock: memory enable, power state and the low-power flags.</summary>
    public MemoryLock MemoryLock { get; } = new();

    /// <summary>The reset group (vdev.dev_set).</summary>
    public CoreDeviceSet DevSet { get; }

    /// <summary>disable_idle_d3 latched per device at registration (2026 kernels); a module parameter before.</summary>
    /// <remarks>While set, registration keeps the PCI core's probe reference: the function stays up while bound.</remarks>
    [OwnsPmReference(nameof(Pdev))]
    public bool DisableIdleD3 { get; }

    /// <summary>pm_runtime_engaged: the user's low-power feature gave up the open reference.</summary>
    [GuardedBy("MemoryLock"), ForgoesPmReference(nameof(Pdev))]
    public bool PmRuntimeEngaged;

    /// <summary>pm_wake_eventfd_ctx.</summary>
    [GuardedBy("MemoryLock")]
    public EventFdCtx? PmWakeEventFdCtx;

    /// <summary>sriov_active (2026): the PF keeps a runtime-PM reference while VFs exist.</summary>
    [OwnsPmReference(nameof(Pdev))]
    public bool SriovActive;

    public bool PmIntxMasked;
    public bool NeedsReset;
    public bool ResetWorks;
    public bool NeedsPmRestore;
    public bool NoIntx;
    public bool Pci23;
    public bool HasVga;
    public int IrqType;
    public int NumRegions;
    public int MsixBar;
    public bool InSriovPfList;
    public byte[]? PciSavedState;
    public bool BusNotifierRegistered;

    /// <summary>vfio_iowrite32() on a memory BAR of this device: memory_lock held (memory enable checked), device in D0.</summary>
    [DeviceAccess(MemoryLockMode.Shared)]
    public void MmioWrite32(uint value, long io) { }

    /// <summary>vfio_ioread32() on a memory BAR of this device.</summary>
    [DeviceAccess(MemoryLockMode.Shared)]
    public uint MmioRead32(long io) => 0;
}

/// <summary>struct vfio_device_set: the devices that share a slot or bus reset, and its mutex.</summary>
public sealed class CoreDeviceSet
{
    public object Lock { get; } = new();

    /// <summary>dev_set->device_list, in list order.</summary>
    public List<CoreDevice> Devices { get; } = new();

    /// <summary>vfio_device_set_open_count().</summary>
    public int OpenCount;
}

/// <summary>struct eventfd_ctx: a counted reference to an eventfd.</summary>
public sealed class EventFdCtx
{
    public EventFd? Fd;
}
