using System;
using System.Globalization;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Stress.Fuzz;

/// <summary>Which file operation an input goes to.</summary>
public enum FuzzCall
{
    /// <summary><c>ioctl(fd, Command, Buffer)</c>.</summary>
    Ioctl,

    /// <summary><c>pread(fd, buf[Length], Offset)</c>.</summary>
    Read,

    /// <summary><c>pwrite(fd, Buffer, Offset)</c>.</summary>
    Write,
}

/// <summary>One fuzzed call: where it goes, its bytes, and how it was made (for the report).</summary>
/// <param name="Call">The file operation.</param>
/// <param name="Device">Index of the target vfio device.</param>
/// <param name="Command">The ioctl command (ioctls only).</param>
/// <param name="Buffer">The ioctl argument or the bytes written; for a read only its length counts.</param>
/// <param name="Offset">The file offset (reads and writes).</param>
/// <param name="Origin">"random", "mutated SET|LOW_POWER_ENTRY", ...</param>
public sealed record FuzzInput(FuzzCall Call, int Device, uint Command, byte[] Buffer, long Offset, string Origin)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var bytes = Convert.ToHexString(Buffer.AsSpan(0, Math.Min(Buffer.Length, 24)));
        var more = Buffer.Length > 24 ? $"...({Buffer.Length} bytes)" : string.Empty;
        return Call == FuzzCall.Ioctl
            ? string.Create(CultureInfo.InvariantCulture, $"ioctl dev{Device} 0x{Command:x} [{bytes}{more}] ({Origin})")
            : string.Create(CultureInfo.InvariantCulture, $"{Call} dev{Device} region {VfioUapi.RegionIndex(Offset)} +0x{VfioUapi.OffsetInRegion(Offset):x} len {Buffer.Length} ({Origin})");
    }
}
