using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// The payload of <c>VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP</c> (8 bytes): the eventfd to signal when the
/// device is woken from low power, and a reserved word.
/// </summary>
/// <remarks>
/// The 6.1 implementation rejects a negative <see cref="WakeupEventfd"/> with <c>-EINVAL</c> but never checks
/// <see cref="Reserved"/> (spec §3.5.3), so this type does not either.
/// </remarks>
// models struct vfio_device_low_power_entry_with_wakeup
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct VfioDeviceLowPowerEntryWithWakeup
{
    /// <summary>Bytes in the payload: <c>wakeup_eventfd</c> (s32) + <c>reserved</c> (u32).</summary>
    public const int Size = 8;

    /// <summary>The user's eventfd file descriptor.</summary>
    public int WakeupEventfd;

    /// <summary>Reserved; not validated by the kernel.</summary>
    public uint Reserved;

    /// <summary>Creates a payload.</summary>
    /// <param name="wakeupEventfd">The eventfd file descriptor.</param>
    /// <param name="reserved">The reserved word (normally 0).</param>
    public VfioDeviceLowPowerEntryWithWakeup(int wakeupEventfd, uint reserved = 0)
    {
        WakeupEventfd = wakeupEventfd;
        Reserved = reserved;
    }

    /// <summary>Reads the payload from the start of <paramref name="source"/>.</summary>
    /// <param name="source">The feature payload (the bytes after the 8-byte feature header).</param>
    /// <param name="value">The payload, or default when the buffer is too short.</param>
    /// <returns><see langword="false"/> when <paramref name="source"/> is shorter than <see cref="Size"/>.</returns>
    // models the payload copy_from_user() of the wake-up entry handler; the caller maps false to -EFAULT.
    public static bool TryRead(ReadOnlySpan<byte> source, out VfioDeviceLowPowerEntryWithWakeup value)
    {
        if (source.Length < Size)
        {
            value = default;
            return false;
        }

        value = new VfioDeviceLowPowerEntryWithWakeup(
            BinaryPrimitives.ReadInt32LittleEndian(source),
            BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(4)));
        return true;
    }

    /// <summary>Writes the payload to the start of <paramref name="destination"/>.</summary>
    /// <param name="destination">The buffer to fill.</param>
    /// <returns><see langword="false"/> (nothing written) when <paramref name="destination"/> is shorter than <see cref="Size"/>.</returns>
    public readonly bool Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }

        BinaryPrimitives.WriteInt32LittleEndian(destination, WakeupEventfd);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(4), Reserved);
        return true;
    }
}
