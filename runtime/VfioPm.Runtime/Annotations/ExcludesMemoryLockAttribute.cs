using System;

namespace VfioPm.Annotations;

/// <summary>
/// The caller must <b>not</b> hold <c>memory_lock</c> of the device (Clang's <c>EXCLUDES</c>).
/// Put on synchronous runtime resume/suspend paths: the vfio-pci runtime callbacks take
/// <c>memory_lock</c> for write, so calling them with it held deadlocks (VPM0007). This is why the
/// kernel only uses <c>pm_runtime_get_noresume</c>/<c>pm_runtime_put_noidle</c> under the lock.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, Inherited = true)]
public sealed class ExcludesMemoryLockAttribute : Attribute
{
    /// <summary>The lock expression relative to the receiver; <see langword="null"/> means the device's <c>MemoryLock</c>.</summary>
    public string? Lock { get; set; }
}
