using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// The 8-byte header of a <c>VFIO_DEVICE_FEATURE</c> argument: <c>argsz</c> then <c>flags</c>. The feature payload
/// (<c>data[]</c>) follows it in the same buffer and is not part of this struct.
/// </summary>
/// <remarks>
/// <c>argsz</c> is the size of the whole buffer, header included, so a handler sees <c>argsz - 8</c> payload bytes.
/// Serialisation is explicit little-endian, independent of the host's byte order.
/// </remarks>
// models struct vfio_device_feature (header part)
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct VfioDeviceFeature
{
    /// <summary>Bytes in the header: <c>argsz</c> (u32) + <c>flags</c> (u32).</summary>
    public const int Size = 8;

    /// <summary>Total size of the buffer, header included.</summary>
    public uint Argsz;

    /// <summary>Feature index (<see cref="VfioUapi.VFIO_DEVICE_FEATURE_MASK"/>) plus GET/SET/PROBE bits.</summary>
    public uint Flags;

    /// <summary>Creates a header.</summary>
    /// <param name="argsz">Total buffer size, header included.</param>
    /// <param name="flags">Feature index and direction bits.</param>
    public VfioDeviceFeature(uint argsz, uint flags)
    {
        Argsz = argsz;
        Flags = flags;
    }

    /// <summary>The feature index: <c>Flags &amp; VFIO_DEVICE_FEATURE_MASK</c>.</summary>
    public readonly ushort Feature => (ushort)(Flags & VfioUapi.VFIO_DEVICE_FEATURE_MASK);

    /// <summary>Reads a header from the start of <paramref name="source"/>.</summary>
    /// <param name="source">The ioctl argument buffer.</param>
    /// <param name="value">The header, or default when the buffer is too short.</param>
    /// <returns><see langword="false"/> when <paramref name="source"/> is shorter than <see cref="Size"/>.</returns>
    // models the header copy_from_user() in vfio_ioctl_device_feature(); the caller maps false to -EFAULT.
    public static bool TryRead(ReadOnlySpan<byte> source, out VfioDeviceFeature value)
    {
        if (source.Length < Size)
        {
            value = default;
            return false;
        }

        value = new VfioDeviceFeature(
            BinaryPrimitives.ReadUInt32LittleEndian(source),
            BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(4)));
        return true;
    }

    /// <summary>Writes the header to the start of <paramref name="destination"/>.</summary>
    /// <param name="destination">The buffer to fill.</param>
    /// <returns><see langword="false"/> (nothing written) when <paramref name="destination"/> is shorter than <see cref="Size"/>.</returns>
    public readonly bool Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, Argsz);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(4), Flags);
        return true;
    }
}
