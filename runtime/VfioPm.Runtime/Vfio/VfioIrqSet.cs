using System;
using System.Buffers.Binary;

namespace VfioPm.Runtime.Vfio;

/// <summary>The header of <c>struct vfio_irq_set</c> (VFIO_DEVICE_SET_IRQS) and its flag values.</summary>
/// <param name="Argsz">Total size.</param>
/// <param name="Flags">DATA_* | ACTION_*.</param>
/// <param name="Index">IRQ index (0 INTx, 1 MSI, 2 MSI-X, 3 ERR, 4 REQ).</param>
/// <param name="Start">First vector.</param>
/// <param name="Count">Number of vectors.</param>
public readonly record struct VfioIrqSet(uint Argsz, uint Flags, uint Index, uint Start, uint Count)
{
    /// <summary>Header size (minsz).</summary>
    public const int Size = 20;
    /// <summary>No data.</summary>
    public const uint DataNone = 1u << 0;
    /// <summary>Data is an array of u8 bools.</summary>
    public const uint DataBool = 1u << 1;
    /// <summary>Data is an array of s32 eventfds.</summary>
    public const uint DataEventfd = 1u << 2;
    /// <summary>Mask the vectors.</summary>
    public const uint ActionMask = 1u << 3;
    /// <summary>Unmask the vectors.</summary>
    public const uint ActionUnmask = 1u << 4;
    /// <summary>Set up or fire the trigger.</summary>
    public const uint ActionTrigger = 1u << 5;
    /// <summary>VFIO_PCI_INTX_IRQ_INDEX.</summary>
    public const uint IndexIntx = 0;
    /// <summary>VFIO_PCI_MSI_IRQ_INDEX.</summary>
    public const uint IndexMsi = 1;
    /// <summary>VFIO_PCI_MSIX_IRQ_INDEX.</summary>
    public const uint IndexMsix = 2;
    /// <summary>VFIO_PCI_ERR_IRQ_INDEX: the AER error eventfd.</summary>
    public const uint IndexErr = 3;
    /// <summary>VFIO_PCI_REQ_IRQ_INDEX: the device-request eventfd, signalled when the host wants the device back.</summary>
    public const uint IndexReq = 4;

    /// <summary>Reads the header; false when the buffer is shorter than it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out VfioIrqSet value)
    {
        if (source.Length < Size)
        {
            value = default;
            return false;
        }

        value = new VfioIrqSet(
            BinaryPrimitives.ReadUInt32LittleEndian(source),
            BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[16..]));
        return true;
    }

    /// <summary>Builds a request buffer: header plus <paramref name="data"/>.</summary>
    public static byte[] Build(uint flags, uint index, uint start, uint count, ReadOnlySpan<byte> data)
    {
        var buffer = new byte[Size + data.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)buffer.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), index);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(12), start);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(16), count);
        data.CopyTo(buffer.AsSpan(Size));
        return buffer;
    }

    /// <summary>Builds an INTx trigger request binding eventfd <paramref name="fd"/> (-1 tears it down).</summary>
    public static byte[] IntxTrigger(int fd)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(data, fd);
        return Build(DataEventfd | ActionTrigger, IndexIntx, 0, 1, data);
    }
}
