using System;

namespace VfioPm.Annotations;

/// <summary>
/// A handler for one device ioctl number. Signature: <c>int Handler(Span&lt;byte&gt; arg)</c>, returning 0/positive or
/// <c>-errno</c>. It runs with a runtime-PM reference held by the generated dispatcher.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class VfioIoctlAttribute : Attribute
{
    /// <summary>Declares the handler for ioctl <paramref name="cmd"/> (for example <c>VfioUapi.VFIO_DEVICE_RESET</c>).</summary>
    public VfioIoctlAttribute(uint cmd) => Command = cmd;

    /// <summary>The ioctl number.</summary>
    public uint Command { get; }
}
