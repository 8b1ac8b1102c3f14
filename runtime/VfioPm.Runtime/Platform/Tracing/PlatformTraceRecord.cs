using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Platform;

/// <summary>
/// One record of a <see cref="PlatformTrace"/>: an <c>rpm</c> tracepoint (<see cref="Rpm"/> set), a PCI power-state change
/// (<see cref="TimelineKind.PciState"/> with <see cref="From"/> and <see cref="To"/>), or any other timeline entry
/// (platform power, host action, ioctl, wake-up, fault, fatal access, note).
/// </summary>
/// <param name="Time">When, on the platform clock.</param>
/// <param name="Kind">What kind of record; <see cref="TimelineKind.RuntimePm"/> for tracepoints.</param>
/// <param name="Device">The device's name, or empty for notes.</param>
/// <param name="Detail">A readable description (for tracepoints, the event's ftrace text).</param>
/// <param name="Rpm">The tracepoint, for <see cref="TimelineKind.RuntimePm"/> records.</param>
/// <param name="From">For PCI state changes: the state before.</param>
/// <param name="To">For PCI state changes: the state after.</param>
public readonly record struct PlatformTraceRecord(
    TimeSpan Time,
    TimelineKind Kind,
    string Device,
    string Detail,
    RpmTraceEvent? Rpm = null,
    PciPowerState From = PciPowerState.Unknown,
    PciPowerState To = PciPowerState.Unknown);
