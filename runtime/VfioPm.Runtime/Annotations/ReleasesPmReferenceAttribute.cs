using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method drops one runtime-PM usage reference it did not take (the <c>pm_runtime_put*</c> family, vfio's
/// <c>disable</c>). Releases never fail in the count: the kernel documents that "the usage counter remains
/// decremented in all cases, even if it returns an error code". A release with no matching acquire is VPM0002.
/// </summary>
/// <remarks>
/// <para>Release on success (<see cref="OnSuccess"/>): the reference is dropped only when the result satisfies
/// <see cref="SuccessWhen"/>, like <c>vfio_pci_runtime_pm_entry()</c>, which gives up the open reference only when it
/// returns 0 (it returns <c>-EINVAL</c> with the count untouched when low power is already engaged), or
/// <c>vfio_pci_core_register_device()</c>, which drops the PCI core's probe reference only once registered.</para>
/// <para>Conditional on a latched flag (<see cref="Unless"/>): <c>vfio_pci_core_disable()</c> puts the open reference
/// only when <c>disable_idle_d3</c> is false. Conditional on a fixed property (<see cref="When"/>):
/// <c>vfio_device_pm_runtime_put()</c> puts only when the bound driver has PM ops.</para>
/// <para>Per element: a device path with <c>[]</c> (<c>"Devices[].Pdev"</c>) releases one reference on every element,
/// like <c>vfio_pci_dev_set_pm_runtime_put()</c>.</para>
/// <para>Clang's <c>RELEASE</c>; the conditional forms go beyond it (Clang has no conditional release).</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class ReleasesPmReferenceAttribute : Attribute
{
    /// <summary>Declares a release on the receiver's device.</summary>
    public ReleasesPmReferenceAttribute() { }

    /// <summary>Declares a release on the device named by <paramref name="device"/> (a member or parameter name).</summary>
    public ReleasesPmReferenceAttribute(string device) => Device = device;

    /// <summary>The device expression relative to the receiver; <see langword="null"/> means the receiver itself.</summary>
    public string? Device { get; }

    /// <summary>True when the reference is dropped only on success (see <see cref="SuccessWhen"/>); on failure the caller still holds it.</summary>
    public bool OnSuccess { get; set; }

    /// <summary>
    /// True when the reference is dropped only on failure (see <see cref="SuccessWhen"/>): the method consumes the
    /// caller's reference when it fails and leaves it held when it succeeds, like the error path of
    /// <c>__pm_runtime_resume()</c> under <c>pm_runtime_resume_and_get()</c>. Ignored when <see cref="OnSuccess"/> is set.
    /// </summary>
    public bool OnFailure { get; set; }

    /// <summary>Which results mean success when <see cref="OnSuccess"/> or <see cref="OnFailure"/> is set.</summary>
    public PmReferenceSuccess SuccessWhen { get; set; } = PmReferenceSuccess.Zero;

    /// <summary>
    /// A <see langword="bool"/> member of the receiver latched at creation (like <c>disable_idle_d3</c>): when it is
    /// true the method releases nothing. A member that can change is reported as a malformed contract (VPM0011).
    /// A leading <c>!</c> waives it when the flag is false instead; <see cref="When"/> says that without the double
    /// negative.
    /// </summary>
    public string? Unless { get; set; }

    /// <summary>
    /// The positive form of <see cref="Unless"/>: a latched <see langword="bool"/> (as for <see cref="Unless"/>, or a
    /// <see langword="bool"/> parameter the method never assigns) that must be true for the method to release; when it
    /// is false the method releases nothing. <c>vfio_device_pm_runtime_put()</c>: <c>When = nameof(DriverHasPmOps)</c>;
    /// <c>pcie_portdrv_probe()</c>: <c>When = "device.Spec.BridgeD3Possible"</c>. Set at most one of <see cref="When"/>
    /// and <see cref="Unless"/> (both is a malformed contract, VPM0011).
    /// </summary>
    public string? When { get; set; }
}
