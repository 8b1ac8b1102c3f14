using System;

namespace VfioPm.Annotations;

/// <summary>
/// While this method runs nothing else can reach the device's hardware through the lock that guards it, so its
/// accesses need no <c>memory_lock</c> (VPM0004/VPM0005 do not apply inside it; VPM0006 still does: the device must be
/// powered). The reason is mandatory and is part of the contract's text.
/// </summary>
/// <remarks>
/// <para>The kernel relies on this where it touches hardware without <c>memory_lock</c>: <c>vfio_pci_core_enable()</c>
/// runs from the first open, before any file or mapping exists; <c>vfio_pci_core_disable()</c> runs after the last
/// close has zapped every mapping; <c>vfio_pci_core_register_device()</c> runs from probe. Clang makes the same
/// exception for constructors and destructors ("the object is thread-local during init and teardown").</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, Inherited = true)]
public sealed class NoConcurrentUsersAttribute : Attribute
{
    /// <summary>Declares the method free of concurrent users because of <paramref name="reason"/>.</summary>
    public NoConcurrentUsersAttribute(string reason) => Reason = reason;

    /// <summary>Why no user can reach the hardware while the method runs.</summary>
    public string Reason { get; }
}
