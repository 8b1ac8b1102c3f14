using System;
using System.Buffers.Binary;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Stress.Fuzz;

/// <summary>The documented answers to fuzzed ioctls (other than features, see <see cref="FeatureOracle"/>) and reads/writes.</summary>
public static class CallOracle
{
    /// <summary>What <paramref name="input"/> may return.</summary>
    public static Expected Expect(FuzzInput input, OracleContext ctx) =>
        input.Call == FuzzCall.Ioctl ? Ioctl(input.Command, input.Buffer, ctx) : Region(input.Buffer.Length, input.Offset, ctx);

    // Every ioctl goes through the PM wrapper first (spec §2.1), whatever it turns out to be.
    private static Expected Ioctl(uint cmd, byte[] buffer, OracleContext ctx)
    {
        switch (cmd)
        {
            case VfioUapi.VFIO_DEVICE_FEATURE:
                return Expected.Pm(FeatureOracle.Expect(buffer, ctx));
            case VfioUapi.VFIO_DEVICE_GET_INFO:
                // minsz 16: a shorter buffer cannot be copied, a smaller argsz is refused.
                return Expected.Pm(buffer.Length < 16 ? -Errno.EFAULT : BinaryPrimitives.ReadUInt32LittleEndian(buffer) < 16 ? -Errno.EINVAL : 0);
            case VfioUapi.VFIO_DEVICE_SET_IRQS:
                return Expected.Pm(0, -Errno.EINVAL, -Errno.EFAULT, -Errno.EBADF);
            case VfioUapi.VFIO_DEVICE_RESET:
                return Expected.Pm(ctx.ResetWorks ? 0 : -Errno.EINVAL);
            case VfioUapi.VFIO_DEVICE_PCI_HOT_RESET:
                return Expected.Pm(0, -Errno.EINVAL, -Errno.EBUSY);
            default:
                return Expected.Pm(-Errno.ENOTTY);
        }
    }

    // spec §3.8: zero length and a bad index are answered before any PM call; config space clips at its end; ROM and
    // VGA are absent here; BARs clip at their end and are -EIO while memory decode is off or the function is in D3hot.
    private static Expected Region(int length, long offset, OracleContext ctx)
    {
        if (length == 0)
        {
            return Expected.BeforePm(0);
        }

        var index = VfioUapi.RegionIndex(offset);
        if (index >= VfioUapi.VFIO_PCI_NUM_REGIONS)
        {
            return Expected.BeforePm(-Errno.EINVAL);
        }

        var pos = VfioUapi.OffsetInRegion(offset);
        switch (index)
        {
            case VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX:
                // vfio_config_do_rw(): at or past cfg_size, or running past it, faults as a whole.
                return Expected.Pm(pos >= PciConfigSpace.Size || pos + length > PciConfigSpace.Size ? -Errno.EFAULT : length);
            case VfioUapi.VFIO_PCI_ROM_REGION_INDEX:
            case VfioUapi.VFIO_PCI_VGA_REGION_INDEX:
                return Expected.Pm(-Errno.EINVAL);
            default:
                var size = ctx.BarSizes[index];
                return size == 0 || pos >= size ? Expected.Pm(-Errno.EINVAL) : Expected.Pm(Math.Min(length, size - pos), -Errno.EIO);
        }
    }
}
