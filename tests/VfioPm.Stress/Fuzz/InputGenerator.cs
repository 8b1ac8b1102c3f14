using System;
using System.Buffers.Binary;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Stress.Fuzz;

/// <summary>
/// Seeded inputs: feature buffers mutated from valid ones (argsz, flag bits, index, length, the eventfd field) and made
/// up from random bytes; other ioctls with random arguments and commands; reads and writes at bad indexes, offsets past
/// a region, negative offsets, zero and huge lengths.
/// </summary>
public sealed class InputGenerator
{
    /// <summary>The huge length used for reads and writes (1 MiB).</summary>
    public const int HugeLength = 1 << 20;

    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;

    private static readonly uint[] InterestingArgsz =
    {
        0, 1, 4, 7, 8, 9, 11, 12, 15, 16, 17, 23, 24, 32, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFF8, 0xFFFF_FFFF,
    };

    private static readonly int[] InterestingLengths = { 0, 1, 2, 3, 4, 7, 8, 16, 255, 256, 4095, 4096, 4097, HugeLength };

    private static readonly uint[] OtherCommands =
    {
        VfioUapi.VFIO_DEVICE_GET_INFO, VfioUapi.VFIO_DEVICE_SET_IRQS, VfioUapi.VFIO_DEVICE_RESET, VfioUapi.VFIO_DEVICE_PCI_HOT_RESET,
        VfioUapi.VFIO_DEVICE_GET_REGION_INFO, VfioUapi.VFIO_DEVICE_GET_IRQ_INFO, VfioUapi.VFIO_DEVICE_IOEVENTFD, VfioUapi.VFIO_GET_API_VERSION,
        VfioUapi.VFIO_DEVICE_BIND_IOMMUFD,
    };

    private readonly Random _random;
    private readonly int[] _fds;
    private readonly byte[] _huge = new byte[HugeLength];

    /// <summary>Creates a generator; <paramref name="wakeFd"/> and <paramref name="regularFd"/> are open descriptors worth naming.</summary>
    public InputGenerator(Random random, int wakeFd, int regularFd)
    {
        _random = random;
        _random.NextBytes(_huge);
        _fds = new[] { wakeFd, regularFd, -1, int.MinValue, 0, 2, wakeFd + 100, int.MaxValue };
    }

    /// <summary>The next input for device <paramref name="device"/>.</summary>
    public FuzzInput Next(int device) => _random.Next(100) switch
    {
        < 40 => MutatedFeature(device),
        < 55 => RandomFeature(device),
        < 65 => OtherIoctl(device),
        _ => RegionAccess(device),
    };

    private FuzzInput MutatedFeature(int device)
    {
        var (origin, buffer) = _random.Next(7) switch
        {
            0 => ("SET|LOW_POWER_ENTRY", VfioFeatureRequest.Build(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)),
            1 => ("SET|LOW_POWER_EXIT", VfioFeatureRequest.Build(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)),
            2 => ("SET|LOW_POWER_ENTRY_WITH_WAKEUP", VfioFeatureRequest.BuildLowPowerEntryWithWakeup(_fds[0])),
            3 => ("PROBE|SET|LOW_POWER_ENTRY", VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_PROBE | Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)),
            4 => ("PROBE|LOW_POWER_ENTRY_WITH_WAKEUP", VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_PROBE | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP)),
            5 => ("SET|PCI_VF_TOKEN", VfioFeatureRequest.Build(Set | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, new byte[16])),
            _ => ("SET|LOW_POWER_ENTRY_WITH_WAKEUP", VfioFeatureRequest.BuildLowPowerEntryWithWakeup(_fds[_random.Next(_fds.Length)], (uint)_random.Next())),
        };

        for (var n = 1 + _random.Next(3); n > 0; n--)
        {
            buffer = Mutate(buffer);
        }

        return new FuzzInput(FuzzCall.Ioctl, device, VfioUapi.VFIO_DEVICE_FEATURE, buffer, 0, "mutated " + origin);
    }

    private byte[] Mutate(byte[] buffer)
    {
        switch (_random.Next(8))
        {
            case 0 when buffer.Length >= 4:
                BinaryPrimitives.WriteUInt32LittleEndian(buffer, _random.Next(4) == 0 ? (uint)_random.Next() : InterestingArgsz[_random.Next(InterestingArgsz.Length)]);
                return buffer;
            case 1 when buffer.Length >= 8:
                var flags = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(4));
                BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), flags ^ (1u << _random.Next(32)));
                return buffer;
            case 2 when buffer.Length >= 8:
                // A different feature index (mostly a known one) with the same direction bits.
                var keep = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(4)) & ~VfioUapi.VFIO_DEVICE_FEATURE_MASK;
                var index = _random.Next(3) == 0 ? (uint)_random.Next(0x10000) : (uint)_random.Next(12);
                BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), keep | index);
                return buffer;
            case 3:
                return buffer[.._random.Next(buffer.Length + 1)];
            case 4:
                var longer = new byte[buffer.Length + 1 + _random.Next(24)];
                buffer.CopyTo(longer, 0);
                _random.NextBytes(longer.AsSpan(buffer.Length));
                return longer;
            case 5 when buffer.Length >= 12:
                BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(8), _fds[_random.Next(_fds.Length)]);
                return buffer;
            case 6 when buffer.Length >= 8:
                BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), (uint)_random.Next() | (uint)(_random.Next(2) << 31));
                return buffer;
            default:
                if (buffer.Length > 0)
                {
                    buffer[_random.Next(buffer.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return buffer;
        }
    }

    private FuzzInput RandomFeature(int device)
    {
        var buffer = new byte[_random.Next(10) == 0 ? _random.Next(4096) : _random.Next(41)];
        _random.NextBytes(buffer);
        if (buffer.Length >= 8 && _random.Next(2) == 0)
        {
            // Often aim at the features that exist, so the random bytes get past the index.
            var flags = (uint)(_random.Next(8) << 16) | (uint)_random.Next(12);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), flags);
        }

        return new FuzzInput(FuzzCall.Ioctl, device, VfioUapi.VFIO_DEVICE_FEATURE, buffer, 0, "random feature");
    }

    private FuzzInput OtherIoctl(int device)
    {
        var cmd = _random.Next(4) == 0 ? (uint)_random.Next() : OtherCommands[_random.Next(OtherCommands.Length)];
        var buffer = new byte[_random.Next(48)];
        _random.NextBytes(buffer);
        if (buffer.Length >= 4 && _random.Next(2) == 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, InterestingArgsz[_random.Next(InterestingArgsz.Length)]);
        }

        return new FuzzInput(FuzzCall.Ioctl, device, cmd, buffer, 0, "ioctl");
    }

    private FuzzInput RegionAccess(int device)
    {
        var index = _random.Next(6) switch
        {
            0 => _random.Next(0x100_0000),
            1 => VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX,
            _ => _random.Next(VfioUapi.VFIO_PCI_NUM_REGIONS + 2),
        };
        long pos = _random.Next(6) switch
        {
            0 => _random.NextInt64(VfioUapi.VFIO_PCI_OFFSET_MASK + 1),
            1 => VfioUapi.VFIO_PCI_OFFSET_MASK,
            2 => 0x1000 + _random.Next(-2, 3),
            3 => 0x100 * _random.Next(20),
            _ => _random.Next(0x1100),
        };
        var offset = _random.Next(20) == 0 ? -1 - _random.NextInt64(long.MaxValue) : VfioUapi.RegionOffset(index) + pos;
        var length = _random.Next(3) == 0 ? InterestingLengths[_random.Next(InterestingLengths.Length)] : 1 + _random.Next(16);
        var write = _random.Next(2) == 0;
        var buffer = length == HugeLength ? _huge : new byte[length];
        if (write && buffer != _huge)
        {
            _random.NextBytes(buffer);
        }

        return new FuzzInput(write ? FuzzCall.Write : FuzzCall.Read, device, 0, buffer, offset, write ? "write" : "read");
    }
}
