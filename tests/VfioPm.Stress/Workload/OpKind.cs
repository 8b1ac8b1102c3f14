namespace VfioPm.Stress.Workload;

/// <summary>What one workload operation does. The generator's weights live in <see cref="OperationStream"/>.</summary>
public enum OpKind
{
    /// <summary>Open a file of a vfio device into a slot (first open enables the device).</summary>
    Open,

    /// <summary>Close the slot's file (its mappings are unmapped first, as a process would before close).</summary>
    Close,

    /// <summary>VFIO_DEVICE_FEATURE SET LOW_POWER_ENTRY (3).</summary>
    LowPowerEntry,

    /// <summary>VFIO_DEVICE_FEATURE SET LOW_POWER_ENTRY_WITH_WAKEUP (4) with a fresh eventfd.</summary>
    LowPowerEntryWithWakeup,

    /// <summary>VFIO_DEVICE_FEATURE SET LOW_POWER_EXIT (5).</summary>
    LowPowerExit,

    /// <summary>A malformed or probing VFIO_DEVICE_FEATURE (variant in <see cref="Operation.Arg"/>).</summary>
    BadFeature,

    /// <summary>VFIO_DEVICE_GET_INFO, or an unknown command.</summary>
    OtherIoctl,

    /// <summary>VFIO_DEVICE_SET_IRQS: INTx trigger/mask/unmask/teardown, MSI on/off.</summary>
    SetIrqs,

    /// <summary>VFIO_DEVICE_RESET.</summary>
    DeviceReset,

    /// <summary>VFIO_DEVICE_PCI_HOT_RESET of the device's reset group.</summary>
    HotReset,

    /// <summary>read() of config space.</summary>
    ConfigRead,

    /// <summary>write() of COMMAND: memory decode on or off.</summary>
    CommandWrite,

    /// <summary>write() of PMCSR: D0, D3hot, or D1/D2 (not offered by these functions).</summary>
    PmcsrWrite,

    /// <summary>read() or write() of a BAR through the file.</summary>
    BarAccess,

    /// <summary>read()/write() with a bad index, offset or length.</summary>
    BadRegionAccess,

    /// <summary>mmap() of a BAR.</summary>
    Mmap,

    /// <summary>A CPU load or store through one of the slot's mappings.</summary>
    MmapAccess,

    /// <summary>The user closes one of its armed wake-up eventfds before the wake.</summary>
    CloseWakeFd,

    /// <summary>Host <c>lspci</c>: a config read through sysfs.</summary>
    HostConfigRead,

    /// <summary>Another kernel path holds the device up for a moment: <c>pm_runtime_resume_and_get()</c>, then <c>pm_runtime_put()</c>.</summary>
    HostPmReference,

    /// <summary>Host writes <c>power/control</c> ("on" or "auto").</summary>
    PowerControl,

    /// <summary>Host writes <c>d3cold_allowed</c>.</summary>
    D3ColdAllowed,

    /// <summary>Host writes <c>sriov_numvfs</c> on the PF (enable n, or 0 to disable).</summary>
    SriovConfigure,

    /// <summary>A user of a VF: open, a few accesses, close.</summary>
    VfSession,

    /// <summary>VFIO_DEVICE_PCI_HOT_RESET on the PF while another thread enables SR-IOV (VFs join the reset group meanwhile).</summary>
    HotResetDuringSriovEnable,

    /// <summary>Unbind vfio-pci with the device's files open (the user closes them on the request), then bind it again.</summary>
    Rebind,

    /// <summary>The shared INTx line fires.</summary>
    RaiseIntx,

    /// <summary>Fault injection: the next runtime suspend of a function returns -EBUSY or -EAGAIN.</summary>
    InjectSuspendBusy,

    /// <summary>Fault injection: the next platform power-off of a slot fails (the function stays in D3hot).</summary>
    InjectPowerOffFailure,

    /// <summary>Let time pass (real mode: sleep; replay: move the manual clock).</summary>
    Pause,

    /// <summary>Tests only: a deliberately unbalanced put, to prove the harness catches and shrinks a real bug.</summary>
    PlantedExtraPut,
}
