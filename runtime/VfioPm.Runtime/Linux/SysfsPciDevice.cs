using System.Collections.Generic;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Linux;

/// <summary>
/// One PCI device as read from <c>/sys/bus/pci/devices/&lt;bdf&gt;</c>: identity and the power attributes of spec §4.17
/// and §5.6. Every attribute is null when it is absent or could not be read or parsed (the reader reports the latter).
/// </summary>
public sealed record SysfsPciDevice
{
    /// <summary>The device's bus/device/function name, for example <c>0000:01:00.0</c>.</summary>
    public required string Bdf { get; init; }

    /// <summary>The device's real directory under <c>/sys/devices</c> (the bus entry's symlink resolved).</summary>
    public required string SysfsPath { get; init; }

    /// <summary><c>vendor</c>: the PCI vendor ID.</summary>
    public ushort? VendorId { get; init; }

    /// <summary><c>device</c>: the PCI device ID.</summary>
    public ushort? DeviceId { get; init; }

    /// <summary><c>class</c>: the 24-bit class code (base class, sub-class, programming interface).</summary>
    public uint? ClassCode { get; init; }

    /// <summary>Whether <see cref="ClassCode"/> is a PCI-to-PCI bridge (0x0604xx), such as a root or switch port.</summary>
    public bool IsBridge => ClassCode is uint code && (code >> 8) == 0x0604;

    /// <summary><c>power_state</c> parsed; null also when the PCI core reports "error".</summary>
    public PciPowerState? PowerState { get; init; }

    /// <summary><c>power_state</c> as read (trimmed), or null when absent or unreadable.</summary>
    public string? PowerStateText { get; init; }

    /// <summary><c>power/runtime_status</c> parsed; null for "error" and "unsupported" (see <see cref="RuntimeStatusText"/>).</summary>
    public RpmStatus? RuntimeStatus { get; init; }

    /// <summary><c>power/runtime_status</c> as read: "active", "suspended", ..., "error" or "unsupported".</summary>
    public string? RuntimeStatusText { get; init; }

    /// <summary><c>power/control</c>: "auto" (runtime PM allowed) or "on" (forbidden).</summary>
    public string? Control { get; init; }

    /// <summary><c>power/runtime_usage</c>: the usage count (a debug attribute, often absent).</summary>
    public int? RuntimeUsage { get; init; }

    /// <summary><c>power/runtime_active_kids</c>: active children, 0 when children are ignored (debug attribute).</summary>
    public int? RuntimeActiveKids { get; init; }

    /// <summary><c>power/runtime_active_time</c>: milliseconds spent runtime-active since boot.</summary>
    public long? RuntimeActiveTimeMs { get; init; }

    /// <summary><c>power/runtime_suspended_time</c>: milliseconds spent runtime-suspended since boot.</summary>
    public long? RuntimeSuspendedTimeMs { get; init; }

    /// <summary>
    /// Whether the driver uses autosuspend: false when <c>power/autosuspend_delay_ms</c> answers -EIO (the kernel's
    /// answer while <c>use_autosuspend</c> is off), null when the attribute is absent.
    /// </summary>
    public bool? UsesAutosuspend { get; init; }

    /// <summary><c>power/autosuspend_delay_ms</c> when the driver uses autosuspend.</summary>
    public int? AutosuspendDelayMs { get; init; }

    /// <summary><c>power/wakeup</c>: "enabled", "disabled", or "" when the device cannot wake the system.</summary>
    public string? Wakeup { get; init; }

    /// <summary><c>d3cold_allowed</c>.</summary>
    public bool? D3ColdAllowed { get; init; }

    /// <summary>The bound driver's name (basename of the <c>driver</c> symlink), or null when unbound.</summary>
    public string? Driver { get; init; }

    /// <summary>The upstream bridge's name when the device's parent directory is itself a PCI device, else null.</summary>
    public string? ParentBdf { get; init; }

    /// <summary>
    /// The attributes (by file name, e.g. <c>power_state</c>) that exist but could not be read or parsed; their
    /// properties are null, as for absent ones, and the reader's problem list says why.
    /// </summary>
    public IReadOnlySet<string> Unreadable { get; init; } = new HashSet<string>();
}
