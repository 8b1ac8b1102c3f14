using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method touches device hardware (config space, BARs, reset). Callers must hold
/// <c>memory_lock</c> in at least <see cref="Mode"/> and a runtime-PM reference on the device,
/// so the device is in D0 for the whole access.
/// </summary>
/// <remarks>
/// <para>Diagnostics: VPM0004 (lock not held), VPM0005 (shared held where exclusive is needed),
/// VPM0006 (no runtime-PM reference held on the device the access is made on).</para>
/// <para>Which lock: the receiver's own <c>MemoryLock</c> when its type has one (vfio-level helpers); for an access made
/// through a member marked <see cref="PtGuardedByAttribute"/> (<c>vdev.Pdev.ReadBar(...)</c>), that member's guard of
/// the same owner (<c>vdev.MemoryLock</c>). A PCI-level accessor reached any other way is checked for the runtime-PM
/// reference only: the PCI layer needs the function powered (a config read in D3cold is all-ones), and knows nothing of
/// vfio's lock. Inside a <see cref="NoConcurrentUsersAttribute"/> method the lock is not needed.</para>
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
