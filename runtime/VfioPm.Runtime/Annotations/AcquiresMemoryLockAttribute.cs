using System;

namespace VfioPm.Annotations;

/// <summary>
/// The method returns with <c>memory_lock</c> held in <see cref="Mode"/> that the caller did not hold
/// on entry (Clang's <c>ACQUIRE</c>), for example <c>vfio_pci_zap_and_down_write_memory_lock</c>.
/// The caller must release it on every path (VPM0010); the body is checked against the contract (VPM0011).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class AcquiresMemoryLockAttribute : Attribute
{
    /// <summary>Declares that the method returns holding the lock in <paramref name="mode"/>.</summary>
    public AcquiresMemoryLockAttribute(MemoryLockMode mode) => Mode = mode;

    /// <summary>The mode the lock is held in on return.</summary>
    public MemoryLockMode Mode { get; }

    /// <summary>
    /// The lock expression relative to the receiver; <see langword="null"/> means <c>MemoryLock</c> of the receiver. A path
    /// with <c>[]</c> (<c>"Devices[].MemoryLock"</c>) names one lock per element of the collection, like the list of
    /// <c>memory_lock</c>s <c>vfio_pci_dev_set_hot_reset()</c> takes, one per member, and releases in reverse.
    /// </summary>
    public string? Lock { get; set; }
}
