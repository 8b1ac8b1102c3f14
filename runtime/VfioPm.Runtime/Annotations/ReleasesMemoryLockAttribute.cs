using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method is entered with <c>memory_lock</c> held and returns with it released (Clang's <c>RELEASE</c>),
/// for example <c>up_write</c> or a helper that ends a critical section its caller started.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class ReleasesMemoryLockAttribute : Attribute
{
    /// <summary>
    /// The lock expression relative to the receiver; <see langword="null"/> means <c>MemoryLock</c> of the receiver. A path
    /// with <c>[]</c> (<c>"Devices[].MemoryLock"</c>) names one lock per element of the collection, like the list of
    /// <c>memory_lock</c>s <c>vfio_pci_dev_set_hot_reset()</c> takes, one per member, and releases in reverse.
    /// </summary>
    public string? Lock { get; set; }
}
