using System;

namespace VfioPm.Annotations;

/// <summary>
/// A handler for read/write on one region index (BAR0..5 = 0..5, ROM = 6, config = 7, VGA = 8, then device regions).
/// Signature: <c>int Handler(Span&lt;byte&gt; buffer, long offset, bool isWrite)</c>, returning the byte count or
/// <c>-errno</c>; the index comes from the file offset's high bits (<c>VFIO_PCI_OFFSET_SHIFT</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class VfioRegionAttribute : Attribute
{
    /// <summary>Declares the handler for region <paramref name="index"/>.</summary>
    public VfioRegionAttribute(int index) => Index = index;

    /// <summary>The region index.</summary>
    public int Index { get; }
}
