using System;

namespace VfioPm.Annotations;

/// <summary>
/// Ownership held by object state: while this member is set (<see langword="true"/>, non-zero, non-null) the object
/// owns one runtime-PM reference on <see cref="Device"/>. Setting the member hands the reference the path holds to
/// the object; clearing it hands the object's reference back to the path, which must put it.
/// </summary>
/// <remarks>
/// <para>Models the kernel's references that live in a flag or a count rather than in a call frame:
/// <c>pci_num_vf(pdev)</c> and the PF reference of <c>vfio_pci_core_sriov_configure()</c> (taken at enable, put once
/// at disable); a device link's <c>rpm_active</c> and the supplier references of <c>rpm_get_suppliers()</c> /
/// <c>pm_runtime_release_supplier()</c>; the bound driver and the probe reference that <c>local_pci_probe()</c>
/// keeps until <c>pci_device_remove()</c>.</para>
/// <para>Checked on every method of the declaring type that writes the member (VPM0001/VPM0002 at the write): a
/// path that sets it without holding a reference, or clears it without putting one, is reported, and so is a put with
/// no matching clear. A write of the value the path already knows the member has is no transition (code that tests
/// the flag first, as the kernel always does, is exact). Write the member before the put that pays for it, as the
/// kernel does (<c>vdev->pm_runtime_engaged = true; pm_runtime_put_noidle()</c>).</para>
/// <para>The member may belong to another object than <c>this</c>: one reached through a parameter, a local or a
/// <c>foreach</c> variable (<c>link.SupplierPreactivated</c> owns a reference on <c>link.Supplier</c>, per link, in
/// <c>pm_runtime_get_suppliers()</c>). The get or put must be on the same path.</para>
/// <para>A reference kept on a device whose object declares a writable owning member, neither put nor handed to it, is
/// reported at the get (VPM0001): the fix belongs there, as SOF's <c>d3_prevented</c> fix shows.</para>
/// <para>A path that knows the member is set may also touch the device (VPM0006): the object's reference keeps it
/// active, as <c>disable_idle_d3</c> keeps a registered function out of D3.</para>
/// <para>Beyond Clang's vocabulary, which has no capabilities held by data.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class OwnsPmReferenceAttribute : Attribute
{
    /// <summary>Declares that while the member is set, the object owns one reference on <paramref name="device"/> (a member path of the declaring type, such as <c>"Pdev"</c>).</summary>
    public OwnsPmReferenceAttribute(string device) => Device = device;

    /// <summary>The device the reference is on, as a member path of the declaring type.</summary>
    public string Device { get; }

    /// <summary>
    /// A latched <see langword="bool"/> member of the declaring type; when it is true the member owns nothing
    /// (the open reference when <c>disable_idle_d3</c> is set).
    /// </summary>
    public string? Unless { get; set; }

    /// <summary>
    /// Counted ownership: the integer member counts the references the object owns, one per unit, whatever its
    /// starting value. Each increment (<c>++</c>, <c>+= 1</c>, <c>Interlocked.Increment</c>) hands one reference from the
    /// path to the object; each decrement hands one back, which the path must put. Models a device link's
    /// <c>rpm_active</c>: <c>rpm_get_suppliers()</c> counts every supplier reference it keeps (<c>refcount_inc()</c>)
    /// and <c>pm_runtime_release_supplier()</c> puts one per <c>refcount_dec_not_one()</c>. A helper that decrements
    /// only sometimes declares what it hands back like any conditional acquire:
    /// <c>[AcquiresPmReference(nameof(Supplier), OnSuccess = true)] bool DecNotOne()</c>, and its body is checked.
    /// </summary>
    public bool Counted { get; set; }
}
