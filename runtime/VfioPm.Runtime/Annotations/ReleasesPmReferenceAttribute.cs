using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method drops one runtime-PM usage reference it did not take (the <c>pm_runtime_put*</c> family, vfio's
/// <c>disable</c>). Releases never fail in the count: the kernel documents that "the usage counter remains
/// decremented in all cases, even if it returns an error code". A release with no matching acquire is VPM0002.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class ReleasesPmReferenceAttribute : Attribute
{
    /// <summary>Declares a release on the receiver's device.</summary>
    public ReleasesPmReferenceAttribute() { }

    /// <summary>Declares a release on the device named by <paramref name="device"/> (a member or parameter name).</summary>
    public ReleasesPmReferenceAttribute(string device) => Device = device;

    /// <summary>The device expression relative to the receiver; <see langword="null"/> means the receiver itself.</summary>
    public string? Device { get; }
}
