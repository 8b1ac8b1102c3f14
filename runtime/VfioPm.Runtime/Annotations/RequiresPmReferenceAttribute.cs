using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method runs with a runtime-PM reference already held by its caller (the way every vfio ioctl handler runs
/// inside <c>vfio_device_fops_unl_ioctl</c>'s get/put bracket), so device access inside it is not VPM0006.
/// Callers must hold a reference when they call it.
/// </summary>
/// <remarks>
/// <para>The PCI accessors (<c>PciDevice.ReadConfig</c>, <c>WriteConfig</c>, <c>ReadBar</c>, <c>WriteBar</c>,
/// <c>ResetFunction</c>, ...) are <see cref="DeviceAccessAttribute"/>s, which imply this requirement on the function
/// they are called on: a config read of a function in D3cold, or behind a bridge that is not in D0, is all-ones on
/// hardware (<c>pci_config_pm_runtime_get()</c> exists for exactly that), so VPM0006 is a PCI truth, not a vfio one.</para>
/// <para>On a constructor it states that whoever creates the object holds the device active (a variant driver's
/// probe-time initialisation, run under the PCI core's probe reference from <c>local_pci_probe()</c>).</para>
/// <para>Clang's <c>REQUIRES</c> for the runtime-PM capability.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property | AttributeTargets.Class, Inherited = true)]
public sealed class RequiresPmReferenceAttribute : Attribute
{
    /// <summary>Declares the requirement on the receiver's device.</summary>
    public RequiresPmReferenceAttribute() { }

    /// <summary>Declares the requirement on the device named by <paramref name="device"/>.</summary>
    public RequiresPmReferenceAttribute(string device) => Device = device;

    /// <summary>The device expression relative to the receiver; <see langword="null"/> means the receiver itself.</summary>
    public string? Device { get; }
}
