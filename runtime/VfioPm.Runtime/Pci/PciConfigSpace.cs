using System;
using System.Buffers.Binary;

namespace VfioPm.Runtime.Pci;

/// <summary>
/// The 4 KiB configuration space of a function, as the hardware holds it (no power-state checks here; those are in
/// <see cref="PciDevice"/>'s access methods). Type-0/1 header plus a PM capability.
/// </summary>
public sealed class PciConfigSpace
{
    /// <summary>Size of PCIe extended config space.</summary>
    public const int Size = 4096;

    /// <summary>Offset of the PM capability this model places in every function that has one.</summary>
    public const int PmCapOffset = 0x40;

    private readonly byte[] _bytes = new byte[Size];
    private readonly object _gate = new();

    /// <summary>Reads <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; out-of-range bytes read as 0xff.</summary>
    public void Read(int offset, Span<byte> buffer)
    {
        lock (_gate)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                var at = offset + i;
                buffer[i] = at is >= 0 and < Size ? _bytes[at] : (byte)0xff;
            }
        }
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>; out-of-range bytes are dropped.</summary>
    public void Write(int offset, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            for (var i = 0; i < data.Length; i++)
            {
                var at = offset + i;
                if (at is >= 0 and < Size)
                {
                    _bytes[at] = data[i];
                }
            }
        }
    }

    /// <summary>Reads a little-endian 16-bit register.</summary>
    public ushort Read16(int offset)
    {
        Span<byte> b = stackalloc byte[2];
        Read(offset, b);
        return BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    /// <summary>Writes a little-endian 16-bit register.</summary>
    public void Write16(int offset, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        Write(offset, b);
    }

    /// <summary>Reads a little-endian 32-bit register.</summary>
    public uint Read32(int offset)
    {
        Span<byte> b = stackalloc byte[4];
        Read(offset, b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    /// <summary>Writes a little-endian 32-bit register.</summary>
    public void Write32(int offset, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Write(offset, b);
    }

    /// <summary>A copy of the whole space (<c>pci_save_state</c>'s raw material).</summary>
    public byte[] Snapshot()
    {
        lock (_gate)
        {
            return (byte[])_bytes.Clone();
        }
    }

    /// <summary>Overwrites the whole space from a snapshot.</summary>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        lock (_gate)
        {
            snapshot[..Math.Min(Size, snapshot.Length)].CopyTo(_bytes);
        }
    }
}
