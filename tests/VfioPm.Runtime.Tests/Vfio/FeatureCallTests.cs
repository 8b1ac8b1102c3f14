using System;
using System.Buffers.Binary;
using VfioPm.Annotations;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>The one home of the VFIO_DEVICE_FEATURE rules: vfio_ioctl_device_feature()'s header rules and vfio_check_feature().</summary>
public sealed class FeatureCallTests
{
    private static byte[] Header(uint argsz, uint flags, int length)
    {
        var b = new byte[length];
        if (length >= 8)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, argsz);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), flags);
        }

        return b;
    }

    [Theory]
    [InlineData(8u, VfioUapi.VFIO_DEVICE_FEATURE_SET | 3u, 7, -Errno.EFAULT)]
    [InlineData(7u, VfioUapi.VFIO_DEVICE_FEATURE_SET | 3u, 8, -Errno.EINVAL)]
    [InlineData(8u, (1u << 20) | 3u, 8, -Errno.EINVAL)]
    [InlineData(8u, VfioUapi.VFIO_DEVICE_FEATURE_GET | VfioUapi.VFIO_DEVICE_FEATURE_SET | 3u, 8, -Errno.EINVAL)]
    [InlineData(8u, VfioUapi.VFIO_DEVICE_FEATURE_PROBE | VfioUapi.VFIO_DEVICE_FEATURE_GET | VfioUapi.VFIO_DEVICE_FEATURE_SET | 3u, 8, 1)]
    [InlineData(8u, VfioUapi.VFIO_DEVICE_FEATURE_SET | 3u, 8, 1)]
    public void ParseAppliesTheHeaderRules_vfio_ioctl_device_feature(uint argsz, uint flags, int length, int expected)
    {
        Assert.Equal(expected, VfioDeviceFeatureCall.Parse(Header(argsz, flags, length), out _));
    }

    [Fact]
    public void ThePayloadIsWhatIsClaimedAndPresent_vfio_ioctl_device_feature()
    {
        var buffer = Header(12, VfioUapi.VFIO_DEVICE_FEATURE_GET | 0x8000u, 20);
        Assert.Equal(1, VfioDeviceFeatureCall.Parse(buffer, out var call));
        Assert.Equal(4, call.ClaimedPayload);
        Assert.Equal(4, call.Payload.Length);
        Assert.Equal(0x8000, call.Feature);
        Assert.False(call.IsCoreOwned);

        Assert.Equal(1, VfioDeviceFeatureCall.Parse(Header(40, VfioUapi.VFIO_DEVICE_FEATURE_GET | 0x8000u, 10), out call));
        Assert.Equal(32, call.ClaimedPayload);
        Assert.Equal(2, call.Payload.Length);
        Assert.Equal(-Errno.EFAULT, call.Check(FeatureOps.Get, 4)); // claimed but not there: the copy faults
        Assert.Equal(1, call.Check(FeatureOps.Get, 2));
        Assert.Equal(-Errno.EINVAL, call.Check(FeatureOps.Set, 0));
    }

    [Theory]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_MIGRATION, true)]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, true)]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, false)]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, false)]
    public void TheVfioCoreOwnsMigrationAndDmaLogging_vfio_ioctl_device_feature(ushort feature, bool owned)
    {
        Assert.Equal(1, VfioDeviceFeatureCall.Parse(Header(8, VfioUapi.VFIO_DEVICE_FEATURE_PROBE | feature, 8), out var call));
        Assert.Equal(owned, call.IsCoreOwned);
    }

    [Fact]
    public void ShortVfTokenPayloadFaults_vfio_pci_core_feature_token()
    {
        var rig = new VfioRig(new VfioPm.Runtime.Pci.PciFunctionSpec { TotalVfs = 2 });
        var buffer = Header(24, VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, 16);
        Assert.Equal(-Errno.EFAULT, rig.File.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, buffer));
        Assert.Equal(0, rig.Feature(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, new byte[16]));
    }
}
