using System;
using System.Buffers.Binary;
using VfioPm.Runtime;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Stress.Fuzz;

/// <summary>
/// The documented answer to any <c>VFIO_DEVICE_FEATURE</c> buffer, written from the spec's rules (§2.3 core validation,
/// §2.4 <c>vfio_check_feature</c>, §3.5 the low-power handlers, §1.3 the VF token), not from the model's code.
/// </summary>
public static class FeatureOracle
{
    private const uint Get = VfioUapi.VFIO_DEVICE_FEATURE_GET;
    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
    private const uint Probe = VfioUapi.VFIO_DEVICE_FEATURE_PROBE;

    /// <summary>The result the uAPI documents for <paramref name="buffer"/>.</summary>
    public static long Expect(byte[] buffer, OracleContext ctx)
    {
        // §2.3: copy the 8-byte header, argsz, unknown flag bits, GET|SET without PROBE.
        if (buffer.Length < 8)
        {
            return -Errno.EFAULT;
        }

        var argsz = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(4));
        if (argsz < 8)
        {
            return -Errno.EINVAL;
        }

        if ((flags & ~(VfioUapi.VFIO_DEVICE_FEATURE_MASK | Get | Set | Probe)) != 0)
        {
            return -Errno.EINVAL;
        }

        if ((flags & Probe) == 0 && (flags & (Get | Set)) == (Get | Set))
        {
            return -Errno.EINVAL;
        }

        // The handler sees argsz - 8 payload bytes claimed; only the bytes really there can be copied.
        var claimed = (long)argsz - 8;
        var present = System.Math.Min(buffer.Length - 8, claimed);
        switch (flags & VfioUapi.VFIO_DEVICE_FEATURE_MASK)
        {
            case 1 or 2 or 6 or 7 or 8 or 9:
                return -Errno.ENOTTY; // core-owned, no migration or logging ops
            case VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
                // vfio_pci_core_feature_token() copies the 16-byte uuid after vfio_check_feature(): short → -EFAULT.
                return !ctx.IsPf ? -Errno.ENOTTY : Check(flags, claimed, 16) ?? (present < 16 ? -Errno.EFAULT : 0);
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
                return Check(flags, claimed, 0) ?? (ctx.EngagedAtHandler ? -Errno.EINVAL : 0);
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
                return Check(flags, claimed, 0) ?? 0;
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
                return Check(flags, claimed, 8) ?? EntryWithWakeup(buffer, present, ctx);
            default:
                return -Errno.ENOTTY;
        }
    }

    // §3.5.3: copy the struct, a negative fd is -EINVAL, resolve the fd (-EBADF not open, -EINVAL not an eventfd), entry.
    private static long EntryWithWakeup(byte[] buffer, long present, OracleContext ctx)
    {
        if (present < 8)
        {
            return -Errno.EFAULT;
        }

        var fd = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(8));
        if (fd < 0)
        {
            return -Errno.EINVAL;
        }

        if (fd == ctx.RegularFd)
        {
            return -Errno.EINVAL;
        }

        if (fd != ctx.WakeFd)
        {
            return -Errno.EBADF;
        }

        return ctx.EngagedAtHandler ? -Errno.EINVAL : 0;
    }

    // §2.4 vfio_check_feature() with supported_ops = SET: null means "go ahead", else the result to return.
    private static long? Check(uint flags, long payload, int minsz)
    {
        if ((flags & Get) != 0)
        {
            return -Errno.EINVAL;
        }

        if ((flags & Probe) != 0)
        {
            return 0;
        }

        if ((flags & Set) == 0)
        {
            return -Errno.EINVAL;
        }

        return payload < minsz ? -Errno.EINVAL : null;
    }
}
