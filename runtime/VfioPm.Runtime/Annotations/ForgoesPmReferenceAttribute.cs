using System;

namespace VfioPm.Annotations;

/// <summary>
/// Ownership given up by object state: while this member is set (<see langword="true"/>, non-zero, non-null) the
/// object has given up one runtime-PM reference on <see cref="Device"/> that it otherwise holds. Setting the member
/// must be paid for by a put on the same path; clearing it by a get.
/// </summary>
/// <remarks>
/// <para>Models <c>pm_runtime_engaged</c> of vfio-pci: <c>vfio_pci_runtime_pm_entry()</c> sets it and gives up the
/// open reference with <c>pm_runtime_put_noidle()</c>; <c>__vfio_pci_runtime_pm_exit()</c> clears it and takes the
/// reference back with <c>pm_runtime_get_noresume()</c>. A flag set without the put is VPM0001 at the method's
/// exit; a put without the flag, or a flag cleared without the get, is VPM0002.</para>
/// <para>Also a reference owned while a flag is <em>false</em>: <c>power.runtime_auto</c>, cleared by
/// <c>pm_runtime_forbid()</c> with a <c>pm_runtime_get_noresume()</c> and set again by <c>pm_runtime_allow()</c> with
/// the put (while it is set, the device has given up the reference <c>power/control = "on"</c> holds).</para>
/// <para>A path that knows the member is clear may touch the device (VPM0006): the object still holds the reference.</para>
/// <para>The mirror image of <see cref="OwnsPmReferenceAttribute"/>; beyond Clang's vocabulary.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class ForgoesPmReferenceAttribute : Attribute
{
    /// <summary>Declares that while the member is set, the object has given up one reference on <paramref name="device"/>.</summary>
    public ForgoesPmReferenceAttribute(string device) => Device = device;

    /// <summary>The device the reference is on, as a member path of the declaring type.</summary>
    public string Device { get; }

    /// <summary>
    /// A latched <see langword="bool"/> member of the declaring type; when it is true the member gives up nothing
    /// (registration keeps the PCI core's probe reference when <c>disable_idle_d3</c> is set).
    /// </summary>
    public string? Unless { get; set; }
}
