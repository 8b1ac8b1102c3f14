using System;

namespace VfioPm.Runtime.Platform;

/// <summary>What kind of event a <see cref="TimelineEntry"/> records.</summary>
public enum TimelineKind
{
    /// <summary>A runtime-PM status change.</summary>
    RuntimePm,
    /// <summary>A PCI power-state change.</summary>
    PciState,
    /// <summary>The platform cut or restored power (ACPI <c>_OFF</c>/<c>_ON</c>).</summary>
    PlatformPower,
    /// <summary>A host action (lspci, sysfs write).</summary>
    Host,
    /// <summary>An injected fault fired.</summary>
    Fault,
    /// <summary>A fatal access (all-ones read or a hung system on hardware).</summary>
    FatalAccess,
    /// <summary>A note from the scenario driving the platform.</summary>
    Note,
    /// <summary>An ioctl on a device file, marked by the program that issued it (<see cref="SimulatedPlatform.Mark"/>).</summary>
    Ioctl,
    /// <summary>A wake-up signalled to user space (the low-power wake eventfd), marked by the program that received it.</summary>
    Wakeup,
}

/// <summary>One line of the platform timeline.</summary>
/// <param name="Time">When, on the platform clock.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Device">The device concerned, or empty.</param>
/// <param name="Detail">A readable description ("Suspended → Resuming (usage 1)", "D3hot → D3cold").</param>
public readonly record struct TimelineEntry(TimeSpan Time, TimelineKind Kind, string Device, string Detail);
