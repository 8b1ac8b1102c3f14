using System;

namespace VfioPm.Annotations;

/// <summary>
/// The hardware behind this member is guarded by <see cref="Lock"/> (Clang's <c>PT_GUARDED_BY</c>: the pointee is
/// guarded, not the member): a <see cref="DeviceAccessAttribute"/> call made through it needs the lock held in the
/// access's mode (VPM0004/VPM0005). Reading the member itself needs no lock.
/// </summary>
/// <remarks>
/// <para>This is where vfio names its lock without the PCI layer knowing it: <c>PciDevice.ReadBar</c> declares that
/// it touches hardware in <see cref="MemoryLockMode.Shared"/> mode; <c>[PtGuardedBy("MemoryLock")] PciDevice Pdev</c>
/// on the vfio device says that, reached through <c>vdev.Pdev</c>, that mode is of <c>vdev.MemoryLock</c> — as
/// <c>vfio_pci_bar_rw()</c> takes <c>memory_lock</c> for read and <c>vfio_pci_ioctl_reset()</c> for write. An access
/// through a member without this attribute is checked for the runtime-PM reference only.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true)]
public sealed class PtGuardedByAttribute : Attribute
{
    /// <summary>Declares the member's hardware guarded by the lock named <paramref name="lock"/> (a member of the same type).</summary>
    public PtGuardedByAttribute(string @lock) => Lock = @lock;

    /// <summary>The guarding lock's member name.</summary>
    public string Lock { get; }
}
