using System;

namespace VfioPm.Runtime.Pci;

/// <summary>A memory BAR of a simulated function: its size and backing bytes (the device's registers/memory).</summary>
public sealed class PciBar
{
    private readonly byte[] _backing;

    internal PciBar(int index, int size)
    {
        Index = index;
        Size = size;
        _backing = new byte[size];
    }

    /// <summary>BAR number 0..5.</summary>
    public int Index { get; }

    /// <summary>Size in bytes; 0 when the BAR is not implemented.</summary>
    public int Size { get; }

    /// <summary>True when the BAR is implemented.</summary>
    public bool IsImplemented => Size > 0;

    internal int Read(long offset, Span<byte> buffer)
    {
        var count = Clamp(offset, buffer.Length);
        lock (_backing)
        {
            _backing.AsSpan((int)offset, count).CopyTo(buffer);
        }

        return count;
    }

    internal int Write(long offset, ReadOnlySpan<byte> data)
    {
        var count = Clamp(offset, data.Length);
        lock (_backing)
        {
            data[..count].CopyTo(_backing.AsSpan((int)offset, count));
        }

        return count;
    }

    internal void Clear()
    {
        lock (_backing)
        {
            Array.Clear(_backing);
        }
    }

    private int Clamp(long offset, int length) =>
        offset < 0 || offset >= Size ? 0 : (int)Math.Min(length, Size - offset);
}
