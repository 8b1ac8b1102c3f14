using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method may run a device's runtime-PM callbacks synchronously in the calling thread, and may sleep: a
/// synchronous resume or suspend (<c>rpm_resume()</c>/<c>rpm_suspend()</c> without <c>RPM_ASYNC</c>), or an operation
/// that probes or removes drivers (<c>pci_enable_sriov()</c>, whose VF probe resumes devices). The caller must not
/// hold any lock those callbacks take (VPM0007).
/// </summary>
/// <remarks>
/// <para>The runtime-PM layer states only this: it knows nothing of the locks a driver's callbacks take. The driver
/// states the other half on its callbacks (<see cref="RuntimePmCallbackAttribute"/> with
/// <see cref="ExcludesMemoryLockAttribute"/>: the callback takes <c>memory_lock</c> itself) and marks the member that
/// holds its device with <see cref="PmDeviceAttribute"/>; VPM0007 is derived from the two: a call that may run the
/// callbacks of that device while the lock they take is held. Where no callbacks are declared for the device, any
/// <c>memory_lock</c> held counts (vfio-pci's callbacks take it).</para>
/// <para>Like the kernel's <c>might_sleep()</c> and lockdep's view of <c>dev->power</c> callbacks; Clang would write
/// <c>EXCLUDES</c> of every lock a callback takes, which a lower layer cannot name.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, Inherited = true)]
public sealed class MayRunPmCallbacksAttribute : Attribute
{
    /// <summary>Declares that the receiver's device's callbacks may run.</summary>
    public MayRunPmCallbacksAttribute() { }

    /// <summary>Declares that the callbacks of the device named by <paramref name="device"/> (a member or parameter name) may run.</summary>
    public MayRunPmCallbacksAttribute(string device) => Device = device;

    /// <summary>The device expression relative to the receiver; <see langword="null"/> means the receiver's own device.</summary>
    public string? Device { get; }
}
