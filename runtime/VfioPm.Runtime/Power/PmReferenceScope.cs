using VfioPm.Annotations;

namespace VfioPm.Runtime.Power;

/// <summary>
/// A runtime-PM reference held for a lexical scope: <c>using var pm = dev.Power.ResumeAndGetScope();</c>.
/// <see cref="Error"/> is <see cref="RuntimePm.ResumeAndGet"/>'s result; <c>Dispose</c> puts the reference only if it
/// was taken, once. The scoped form sits beside the kernel form, like the kernel's <c>pm_runtime_active</c> guards.
/// </summary>
public ref struct PmReferenceScope
{
    private RuntimePm? _held;

    internal PmReferenceScope(RuntimePm pm, int error)
    {
        Error = error;
        _held = error == 0 ? pm : null;
    }

    /// <summary>0 when the reference was taken, else the (negative) resume error.</summary>
    public int Error { get; }

    /// <summary>True while the scope holds a reference.</summary>
    public readonly bool IsHeld => _held is not null;

    /// <summary>Puts the reference (async idle) if it was taken and not yet put.</summary>
    [ReleasesPmReference]
    public void Dispose()
    {
        var held = _held;
        _held = null;
        held?.Put();
    }
}
