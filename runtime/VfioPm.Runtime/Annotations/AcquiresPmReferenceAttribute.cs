using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method takes one runtime-PM usage reference on a device that the caller must put on every path (VPM0001).
/// </summary>
/// <remarks>
/// <para>Unconditional (default): the reference is held whatever the result, like <c>pm_runtime_get_sync</c>
/// ("the usage counter remains incremented in all cases, even if it returns an error code"), <c>pm_runtime_get</c>
/// and <c>pm_runtime_get_noresume</c>.</para>
/// <para>Conditional (<see cref="OnSuccess"/>): held only when the result satisfies <see cref="SuccessWhen"/>, like
/// <c>pm_runtime_resume_and_get</c> (0) or <c>pm_runtime_get_if_active</c> (1). The analyzer tracks the result into
/// the branches that test it.</para>
/// <para>A method that keeps a reference past its return (vfio's <c>enable</c>) declares it; its body is checked
/// against the declaration (VPM0011).</para>
/// <para>Conditional on a latched flag (<see cref="Unless"/>): <c>vfio_pci_core_enable</c> takes the open reference
/// only when the device's <c>disable_idle_d3</c>, latched at registration, is false. Conditional on a fixed property
/// (<see cref="When"/>): <c>vfio_device_pm_runtime_get()</c> takes a reference only when the bound driver has PM ops
/// (<c>dev-&gt;driver &amp;&amp; dev-&gt;driver-&gt;pm</c>), fixed while it is bound.</para>
/// <para>Per element: a device path with <c>[]</c> (<c>"Devices[].Pdev"</c>) acquires one reference on every element of
/// the collection, like the <c>vfio_pci_dev_set_pm_runtime_get()</c> loop; with <see cref="OnSuccess"/>, all of them
/// on success and none on failure (the loop's unwind puts the ones it took).</para>
/// <para>Clang's <c>ACQUIRE</c>, and <c>TRY_ACQUIRE</c> with <see cref="OnSuccess"/>; <see cref="Unless"/>, <see cref="When"/> and
/// the <c>[]</c> paths go beyond Clang, which has neither conditional capabilities nor capability sets.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class AcquiresPmReferenceAttribute : Attribute
{
    /// <summary>Declares an acquire on the receiver's device.</summary>
    public AcquiresPmReferenceAttribute() { }

    /// <summary>Declares an acquire on the device named by <paramref name="device"/> (a member or parameter name).</summary>
    public AcquiresPmReferenceAttribute(string device) => Device = device;

    /// <summary>The device expression relative to the receiver; <see langword="null"/> means the receiver itself.</summary>
    public string? Device { get; }

    /// <summary>
    /// True when the reference is held only on success (see <see cref="SuccessWhen"/>). A <see langword="bool"/> method
    /// holds it when it returns <see langword="true"/>, whatever <see cref="SuccessWhen"/> says (a counted owner's
    /// <c>refcount_dec_not_one()</c> handing one reference back).
    /// </summary>
    public bool OnSuccess { get; set; }

    /// <summary>Which results mean success when <see cref="OnSuccess"/> is set.</summary>
    public PmReferenceSuccess SuccessWhen { get; set; } = PmReferenceSuccess.Zero;

    /// <summary>
    /// A <see langword="bool"/> member of the receiver (a <see langword="readonly"/> field or get-only property,
    /// latched when the object is created, like <c>disable_idle_d3</c>): when it is true the method takes nothing.
    /// A member that can change is reported as a malformed contract (VPM0011). A path under a parameter names a flag of
    /// that argument (<c>"vdev.DisableIdleD3"</c>); a leading <c>!</c> waives the contract when the flag is false (see <see cref="When"/>).
    /// </summary>
    public string? Unless { get; set; }

    /// <summary>
    /// The positive form of <see cref="Unless"/>: a latched <see langword="bool"/> (a <see langword="readonly"/> field
    /// or get-only property of the receiver, a path under a parameter, or a <see langword="bool"/> parameter the method
    /// never assigns) that must be true for the method to take the reference; when it is false the method takes nothing.
    /// On a static method a name that is not a parameter is a member of the device parameter the contract binds to.
    /// <c>vfio_device_pm_runtime_get()</c>: <c>When = nameof(DriverHasPmOps)</c>. Set at most one of
    /// <see cref="When"/> and <see cref="Unless"/> (both is a malformed contract, VPM0011).
    /// </summary>
    public string? When { get; set; }
}
