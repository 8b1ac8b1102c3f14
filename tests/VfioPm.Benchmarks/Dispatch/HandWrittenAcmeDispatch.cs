using System;
using System.Buffers.Binary;
using VfioPm.Annotations;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Vfio;
using VfioPm.Samples.VariantDriver;

namespace VfioPm.Benchmarks.Dispatch;

/// <summary>
/// The baseline for the generated dispatchers: what a driver author writes by hand for the sample's GET_INFO ioctl,
/// thermal feature and BAR0 read — a switch with an explicit <c>ResumeAndGet</c>/<c>Put</c> bracket, the
/// VFIO_DEVICE_FEATURE checks of <c>vfio_ioctl_device_feature</c>/<c>vfio_check_feature</c>, and handler bodies equal
/// to the sample's.
/// </summary>
public sealed class HandWrittenAcmeDispatch
{
    private const int DeviceInfoMinsz = 16;

    /// <summary>Dispatches for <paramref name="pdev"/>.</summary>
    public HandWrittenAcmeDispatch(PciDevice pdev) => Pdev = pdev;

    /// <summary>The function.</summary>
    public PciDevice Pdev { get; }

    /// <summary>The ioctl entry: get, switch, put on every path.</summary>
    public int Ioctl(uint cmd, Span<byte> arg)
    {
        var pm = Pdev.Power;
        if (pm.ResumeAndGet() != 0)
        {
            return -Errno.EIO;
        }

        try
        {
            switch (cmd)
            {
                case VfioUapi.VFIO_DEVICE_GET_INFO:
                    return GetInfo(arg);
                case VfioUapi.VFIO_DEVICE_FEATURE:
                    return Feature(arg);
                default:
                    return -Errno.ENOTTY;
            }
        }
        finally
        {
            pm.Put();
        }
    }

    /// <summary>The region read entry for BAR0 and the mailbox.</summary>
    public long Read(Span<byte> buf, long offset)
    {
        if (buf.IsEmpty)
        {
            return 0;
        }

        var index = VfioUapi.RegionIndex(offset);
        if (index is not (VfioUapi.VFIO_PCI_BAR0_REGION_INDEX or AcmeVariantDevice.MailboxRegion))
        {
            return -Errno.EINVAL;
        }

        var pm = Pdev.Power;
        if (pm.ResumeAndGet() != 0)
        {
            return -Errno.EIO;
        }

        try
        {
            var pos = VfioUapi.OffsetInRegion(offset);
            return index == VfioUapi.VFIO_PCI_BAR0_REGION_INDEX
                ? (Clip(pos, buf.Length, Pdev.Bars[0].Size, out var count) ? Pdev.ReadBar(0, pos, buf[..count]) : -Errno.EINVAL)
                : (Clip(pos, buf.Length, AcmeVariantDevice.MailboxSize, out var n) ? Pdev.ReadBar(0, AcmeVariantDevice.MailboxBase + pos, buf[..n]) : -Errno.EINVAL);
        }
        finally
        {
            pm.Put();
        }
    }

    private int Feature(Span<byte> arg)
    {
        if (!VfioDeviceFeature.TryRead(arg, out var header))
        {
            return -Errno.EFAULT;
        }

        if (header.Argsz < VfioDeviceFeature.Size)
        {
            return -Errno.EINVAL;
        }

        const uint known = VfioUapi.VFIO_DEVICE_FEATURE_MASK | VfioUapi.VFIO_DEVICE_FEATURE_GET | VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_PROBE;
        const uint getSet = VfioUapi.VFIO_DEVICE_FEATURE_GET | VfioUapi.VFIO_DEVICE_FEATURE_SET;
        if ((header.Flags & ~known) != 0 || ((header.Flags & VfioUapi.VFIO_DEVICE_FEATURE_PROBE) == 0 && (header.Flags & getSet) == getSet))
        {
            return -Errno.EINVAL;
        }

        var claimed = (long)header.Argsz - VfioDeviceFeature.Size;
        var payload = arg[VfioDeviceFeature.Size..];
        if (payload.Length > claimed)
        {
            payload = payload[..(int)claimed];
        }

        if (header.Feature != AcmeVariantDevice.AcmeFeatureThermal)
        {
            return -Errno.ENOTTY;
        }

        var check = VfioFeatureCheck.Check(header.Flags, claimed, FeatureOps.Get | FeatureOps.Set, 4);
        if (check != 1)
        {
            return check;
        }

        return payload.Length < 4 ? -Errno.EFAULT : Thermal(header.Flags, payload);
    }

    // The sample's GetInfo.
    private static int GetInfo(Span<byte> arg)
    {
        if (arg.Length < DeviceInfoMinsz)
        {
            return -Errno.EFAULT;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(arg) < DeviceInfoMinsz)
        {
            return -Errno.EINVAL;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(arg[4..], VfioPciCoreDevice.DeviceFlagsPci | VfioPciCoreDevice.DeviceFlagsReset);
        BinaryPrimitives.WriteUInt32LittleEndian(arg[8..], AcmeVariantDevice.MailboxRegion + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(arg[12..], 5);
        return 0;
    }

    // The sample's Thermal.
    private int Thermal(uint flags, Span<byte> payload)
    {
        if ((flags & VfioUapi.VFIO_DEVICE_FEATURE_GET) != 0)
        {
            return Pdev.ReadBar(0, AcmeVariantDevice.TemperatureRegister, payload[..4]) == 4 ? 0 : -Errno.EIO;
        }

        var level = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        return level > 3 ? -Errno.EINVAL : Pdev.WriteBar(0, AcmeVariantDevice.FanRegister, payload[..4]) == 4 ? 0 : -Errno.EIO;
    }

    private static bool Clip(long offset, int length, long size, out int count)
    {
        count = offset < size ? (int)Math.Min(length, size - offset) : 0;
        return count > 0;
    }
}
