using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method touches device hardware (config space, BARs, reset). Callers must hold
/// <c>memory_lock</c> in at least <see cref="Mode"/> and a runtime-PM reference on the device,
/// so the device is in D0 for the whole access.
/// </summary>
/// <remarks>
/// Diagnostics: VPM0004 (lock not held), VPM0005 (shared held where exclusive is needed),
/// VPM0006 (no runtime-PM reference held).
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = true)]
public sealed class DeviceAccessAttribute : Attribute
{
    /// <summary>Declares a device access that needs <c>memory_lock</c> in <paramref name="mode"/>.</summary>
    public DeviceAccessAttribute(MemoryLockMode mode = MemoryLockMode.Shared) => Mode = mode;

    /// <summary>The weakest lock mode under which the access is safe.</summary>
    public MemoryLockMode Mode { get; }

    /// <summary>
    /// True when the access is not gated by <c>memory_lock</c> at all (I/O-port BARs,
    /// <c>pci_config_pm_runtime_get</c>-style host config reads) and only needs the PM reference.
    /// </summary>
    public bool LockFree { get; set; }
}
