namespace VfioPm.Runtime.Tests.Linearizability.VfioFile;

/// <summary>What a hypervisor (and the host) does to an open vfio-pci device in the vfio-file check.</summary>
internal enum VfioOpKind
{
    /// <summary>VFIO_DEVICE_GET_INFO on file A (a plain ioctl).</summary>
    GetInfo,

    /// <summary>VFIO_DEVICE_GET_INFO on file B (-EBADF once B is closed).</summary>
    GetInfoB,

    /// <summary>VFIO_DEVICE_FEATURE SET LOW_POWER_ENTRY (3).</summary>
    Entry,

    /// <summary>VFIO_DEVICE_FEATURE SET LOW_POWER_ENTRY_WITH_WAKEUP (4) with a fresh eventfd.</summary>
    EntryWithWakeup,

    /// <summary>VFIO_DEVICE_FEATURE SET LOW_POWER_EXIT (5).</summary>
    Exit,

    /// <summary>read() of 4 bytes of config space.</summary>
    ConfigRead,

    /// <summary>A load through the BAR0 mapping (0 ok, 1 SIGBUS).</summary>
    MmapAccess,

    /// <summary>close() of file B.</summary>
    CloseB,

    /// <summary>Host lspci: a config read through sysfs.</summary>
    Lspci,

    /// <summary>The PM workqueue's worker.</summary>
    RunWork,
}
