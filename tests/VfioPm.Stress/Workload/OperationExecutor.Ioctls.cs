using System;
using System.Buffers.Binary;
using VfioPm.Runtime;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

// Device ioctls: the low-power features with valid and malformed buffers, GET_INFO, SET_IRQS, resets.
public sealed partial class OperationExecutor
{
    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
    private const uint Get = VfioUapi.VFIO_DEVICE_FEATURE_GET;
    private const uint Probe = VfioUapi.VFIO_DEVICE_FEATURE_PROBE;

    // A descriptor number the process never has open (the table hands out the lowest free numbers).
    private const int NeverOpenFd = int.MaxValue - 1;

    private readonly BadFeatureCase[] _badFeatures;

    private string LowPowerEntry(Operation op, StressDevice device, VfioDeviceFile file) =>
        Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)), 0, -Errno.EINVAL);

    private string LowPowerEntryWithWakeup(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var armed = device.WakeFds.Create();
        var ret = file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(armed.Fd));
        device.WakeFds.Settle(armed, entryArmedIt: ret == 0);
        return Expect(op, ret, 0, -Errno.EINVAL);
    }

    private string LowPowerExit(Operation op, StressDevice device, VfioDeviceFile file) =>
        Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)), 0);

    private string BadFeature(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var bad = _badFeatures[op.Arg % _badFeatures.Length];
        var expected = bad.PfOnlyResult is int pfResult && device.Pdev.IsPhysFn ? pfResult : bad.Result;
        return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, (byte[])bad.Buffer.Clone()), expected);
    }

    private string OtherIoctl(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var info = _scratch.AsSpan(0, 16);
        info.Clear();
        switch (op.Arg % 3)
        {
            case 0:
                BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
                return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info), 0);
            case 1:
                BinaryPrimitives.WriteUInt32LittleEndian(info, 8);
                return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info), -Errno.EINVAL);
            default:
                return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_QUERY_GFX_PLANE, info), -Errno.ENOTTY);
        }
    }

    private string SetIrqs(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var intx = device.Pdev.Spec.HasIntx ? 0 : -Errno.EINVAL;
        switch (op.Arg % 6)
        {
            case 0:
                // The user hands over a trigger eventfd and closes its own descriptor at once.
                var fd = _machine.Fds.Install(new EventFd());
                var ret = file.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, VfioIrqSet.IntxTrigger(fd));
                _machine.Fds.Close(fd);
                return Expect(op, ret, intx);
            case 1:
                return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, VfioIrqSet.IntxTrigger(-1)), intx);
            case 2:
                return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionMask, VfioIrqSet.IndexIntx, 0, 1, default)), intx);
            case 3:
                return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionUnmask, VfioIrqSet.IndexIntx, 0, 1, default)), intx);
            case 4:
                return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionTrigger, VfioIrqSet.IndexMsi, 0, 1, default)), 0);
            default:
                return Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionTrigger, VfioIrqSet.IndexMsi, 0, 0, default)), 0);
        }
    }

    private string DeviceReset(Operation op, StressDevice device, VfioDeviceFile file) =>
        Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_RESET, Span<byte>.Empty), file.Device.ResetWorks ? 0 : -Errno.EINVAL);

    // -EINVAL: no bus reset covers only this set (a VF leaving it mid-way); -EBUSY: a member's memory_lock is contended.
    private string HotReset(Operation op, StressDevice device, VfioDeviceFile file) =>
        Expect(op, file.Ioctl(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, Span<byte>.Empty), 0, -Errno.EINVAL, -Errno.EBUSY);

    // Malformed, probing or misdirected feature requests and what spec §2.3/§2.4/§3.5 says each returns.
    private BadFeatureCase[] BuildBadFeatures()
    {
        const uint entry = VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
        const uint wake = VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP;
        const uint exit = VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
        var argszOnly4 = VfioFeatureRequest.Build(Set | entry);
        BinaryPrimitives.WriteUInt32LittleEndian(argszOnly4, 4);
        var wakeClaimsMore = VfioFeatureRequest.BuildLowPowerEntryWithWakeup(NeverOpenFd)[..12];
        return new[]
        {
            new BadFeatureCase(VfioFeatureRequest.Build(Get | entry), -Errno.EINVAL),
            new BadFeatureCase(VfioFeatureRequest.Build(entry), -Errno.EINVAL),
            new BadFeatureCase(VfioFeatureRequest.Build(Get | Set | entry), -Errno.EINVAL),
            new BadFeatureCase(VfioFeatureRequest.Build(Probe | Set | entry), 0),
            new BadFeatureCase(VfioFeatureRequest.Build(Probe | wake), 0),
            new BadFeatureCase(VfioFeatureRequest.Build(Set | wake, new byte[4]), -Errno.EINVAL),
            new BadFeatureCase(VfioFeatureRequest.BuildLowPowerEntryWithWakeup(-1), -Errno.EINVAL),
            new BadFeatureCase(VfioFeatureRequest.BuildLowPowerEntryWithWakeup(NeverOpenFd), -Errno.EBADF),
            new BadFeatureCase(VfioFeatureRequest.BuildLowPowerEntryWithWakeup(_machine.RegularFileFd), -Errno.EINVAL),
            new BadFeatureCase(VfioFeatureRequest.Build(Set | 77), -Errno.ENOTTY),
            new BadFeatureCase(VfioFeatureRequest.Build(Set | VfioUapi.VFIO_DEVICE_FEATURE_MIGRATION), -Errno.ENOTTY),
            new BadFeatureCase(VfioFeatureRequest.Build(Set | entry | (1u << 19)), -Errno.EINVAL),
            new BadFeatureCase(argszOnly4, -Errno.EINVAL),
            new BadFeatureCase(VfioFeatureRequest.Build(Set | entry)[..6], -Errno.EFAULT),
            new BadFeatureCase(wakeClaimsMore, -Errno.EFAULT),
            new BadFeatureCase(VfioFeatureRequest.Build(Set | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, new byte[16]), -Errno.ENOTTY, PfOnlyResult: 0),
            new BadFeatureCase(VfioFeatureRequest.Build(Get | exit), -Errno.EINVAL),
        };
    }

    private sealed record BadFeatureCase(byte[] Buffer, int Result, int? PfOnlyResult = null);
}
