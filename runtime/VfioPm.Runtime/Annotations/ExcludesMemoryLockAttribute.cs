using System;

namespace VfioPm.Annotations;

/// <summary>
/// The caller must <b>not</b> hold <c>memory_lock</c> of the device (Clang's <c>EXCLUDES</c>): the method takes it.
/// </summary>
/// <remarks>
/// <para>On a <see cref="RuntimePmCallbackAttribute"/> method it states that the callback takes <c>memory_lock</c>
/// (<c>vfio_pci_core_runtime_suspend()</c>/<c>_resume()</c> take it for write). With the device member marked
/// <see cref="PmDeviceAttribute"/>, every <see cref="MayRunPmCallbacksAttribute"/> call on that device made while the
/// lock is held is VPM0007: the callback would wait for the lock its own caller holds. This is why the kernel only
/// uses <c>pm_runtime_get_noresume</c>/<c>pm_runtime_put_noidle</c> under the lock.</para>
/// <para>On any other method (vfio's ioctl and read/write entry points, <c>vfio_pci_runtime_pm_exit()</c>) calling it
/// with the lock held is VPM0007 too.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, Inherited = true)]
public sealed class ExcludesMemoryLockAttribute : Attribute
{
    /// <summary>The lock expression relative to the receiver; <see langword="null"/> means the device's <c>MemoryLock</c>.</summary>
    public string? Lock { get; set; }
}
