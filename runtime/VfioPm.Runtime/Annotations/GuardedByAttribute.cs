using System;

namespace VfioPm.Annotations;

/// <summary>
/// The member may be read only with <see cref="Lock"/> held (shared is enough) and written only with it
/// held exclusively (Clang's <c>GUARDED_BY</c>), e.g. <c>[GuardedBy("MemoryLock")]</c> on
/// <c>PmRuntimeEngaged</c> or <c>[GuardedBy("IrqLock")]</c> on the INTx mask state (VPM0009).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true)]
public sealed class GuardedByAttribute : Attribute
{
    /// <summary>Declares the member guarded by the lock named <paramref name="lock"/> (a member of the same type).</summary>
    public GuardedByAttribute(string @lock) => Lock = @lock;

    /// <summary>The guarding lock's member name.</summary>
    public string Lock { get; }
}
