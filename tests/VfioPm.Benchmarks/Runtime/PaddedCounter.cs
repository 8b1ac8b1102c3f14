using System.Runtime.InteropServices;

namespace VfioPm.Benchmarks.Runtime;

/// <summary>An int alone on its cache lines (128 bytes either side), so two of them never share one.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
public struct PaddedCounter
{
    /// <summary>The counter.</summary>
    [FieldOffset(128)]
    public int Value;
}
