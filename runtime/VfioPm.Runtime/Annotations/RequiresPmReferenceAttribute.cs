using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method runs with a runtime-PM reference already held by its caller (the way every vfio ioctl handler runs
/// inside <c>vfio_device_fops_unl_ioctl</c>'s get/put bracket), so device access inside it is not VPM0006.
/// Callers must hold a reference when they call it.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, Inherited = true)]
public sealed class RequiresPmReferenceAttribute : Attribute
{
    /// <summary>Declares the requirement on the receiver's device.</summary>
    public RequiresPmReferenceAttribute() { }

    /// <summary>Declares the requirement on the device named by <paramref name="device"/>.</summary>
    public RequiresPmReferenceAttribute(string device) => Device = device;

    /// <summary>The device expression relative to the receiver; <see langword="null"/> means the receiver itself.</summary>
    public string? Device { get; }
}
