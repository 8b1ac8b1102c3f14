using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Platform;

/// <summary>A device seen by a <see cref="PlatformTrace"/>, with its state when the trace first saw it.</summary>
/// <param name="Name">The device name (a PCI address for PCI functions).</param>
/// <param name="Parent">The parent's name, or <see langword="null"/>.</param>
/// <param name="IsBridge">A bridge or port.</param>
/// <param name="ClassCode">The PCI class code (0 for devices that are not PCI functions).</param>
/// <param name="State">The PCI power state when first seen (<see cref="PciPowerState.Unknown"/> for devices that are not PCI functions).</param>
/// <param name="Status">The runtime-PM status when first seen.</param>
/// <param name="UsageCount">The usage count when first seen.</param>
/// <param name="ChildCount">The active-children count when first seen.</param>
public readonly record struct PlatformTraceDevice(
    string Name,
    string? Parent,
    bool IsBridge,
    uint ClassCode,
    PciPowerState State,
    RpmStatus Status,
    int UsageCount,
    int ChildCount)
{
    /// <summary>A short role for labels: "root port", "bridge", "GPU", "audio", "NVMe", "function".</summary>
    public string Role => IsBridge
        ? (Parent is null ? "root port" : "bridge")
        : (ClassCode >> 16) switch
        {
            0x03 => "GPU",
            0x04 => "audio",
            0x01 when (ClassCode >> 8) == 0x0108 => "NVMe",
            0x02 => "network",
            _ => ClassCode == 0 ? "device" : "function",
        };

    // From a tracepoint: nothing that takes a lock (the caller holds the device's power lock).
    internal static PlatformTraceDevice At(in RpmTraceEvent e) => e.Device is PciDevice pci
        ? new(pci.Name, pci.Parent?.Name, pci.IsBridge, pci.Spec.ClassCode, PciPowerState.Unknown, e.Status, e.UsageCount, e.ChildCount)
        : new(e.Device.Name, e.Device.Parent?.Name, false, 0, PciPowerState.Unknown, e.Status, e.UsageCount, e.ChildCount);

    internal static PlatformTraceDevice Of(Device device) => device is PciDevice pci
        ? new(pci.Name, pci.Parent?.Name, pci.IsBridge, pci.Spec.ClassCode, pci.CurrentState, pci.Power.Status, pci.Power.UsageCount, pci.Power.ChildCount)
        : new(device.Name, device.Parent?.Name, false, 0, PciPowerState.Unknown, device.Power.Status, device.Power.UsageCount, device.Power.ChildCount);
}
