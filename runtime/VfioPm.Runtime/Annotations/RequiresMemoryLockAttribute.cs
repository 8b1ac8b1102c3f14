using System;

namespace VfioPm.Annotations;

/// <summary>
/// The caller must hold <c>memory_lock</c> in at least <see cref="Mode"/> on entry, and still holds
/// it on return (Clang's <c>REQUIRES</c>/<c>REQUIRES_SHARED</c>; the kernel's <c>lockdep_assert_held</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = true)]
public sealed class RequiresMemoryLockAttribute : Attribute
{
    /// <summary>Declares that callers hold the lock in <paramref name="mode"/>.</summary>
    public RequiresMemoryLockAttribute(MemoryLockMode mode = MemoryLockMode.Shared) => Mode = mode;

    /// <summary>The weakest mode the caller must hold.</summary>
    public MemoryLockMode Mode { get; }

    /// <summary>The lock expression relative to the receiver; <see langword="null"/> means <c>MemoryLock</c> of the receiver.</summary>
    public string? Lock { get; set; }
}
