using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

public sealed class VfioUapiTests
{
    // The spec §1.1 table: name, n, hex, decimal.
    public static TheoryData<string, uint, int, uint, uint> IoctlTable => new()
    {
        { nameof(VfioUapi.VFIO_GET_API_VERSION), VfioUapi.VFIO_GET_API_VERSION, 0, 0x3B64, 15204 },
        { nameof(VfioUapi.VFIO_CHECK_EXTENSION), VfioUapi.VFIO_CHECK_EXTENSION, 1, 0x3B65, 15205 },
        { nameof(VfioUapi.VFIO_SET_IOMMU), VfioUapi.VFIO_SET_IOMMU, 2, 0x3B66, 15206 },
        { nameof(VfioUapi.VFIO_GROUP_GET_STATUS), VfioUapi.VFIO_GROUP_GET_STATUS, 3, 0x3B67, 15207 },
        { nameof(VfioUapi.VFIO_GROUP_SET_CONTAINER), VfioUapi.VFIO_GROUP_SET_CONTAINER, 4, 0x3B68, 15208 },
        { nameof(VfioUapi.VFIO_GROUP_UNSET_CONTAINER), VfioUapi.VFIO_GROUP_UNSET_CONTAINER, 5, 0x3B69, 15209 },
        { nameof(VfioUapi.VFIO_GROUP_GET_DEVICE_FD), VfioUapi.VFIO_GROUP_GET_DEVICE_FD, 6, 0x3B6A, 15210 },
        { nameof(VfioUapi.VFIO_DEVICE_GET_INFO), VfioUapi.VFIO_DEVICE_GET_INFO, 7, 0x3B6B, 15211 },
        { nameof(VfioUapi.VFIO_DEVICE_GET_REGION_INFO), VfioUapi.VFIO_DEVICE_GET_REGION_INFO, 8, 0x3B6C, 15212 },
        { nameof(VfioUapi.VFIO_DEVICE_GET_IRQ_INFO), VfioUapi.VFIO_DEVICE_GET_IRQ_INFO, 9, 0x3B6D, 15213 },
        { nameof(VfioUapi.VFIO_DEVICE_SET_IRQS), VfioUapi.VFIO_DEVICE_SET_IRQS, 10, 0x3B6E, 15214 },
        { nameof(VfioUapi.VFIO_DEVICE_RESET), VfioUapi.VFIO_DEVICE_RESET, 11, 0x3B6F, 15215 },
        { nameof(VfioUapi.VFIO_DEVICE_GET_PCI_HOT_RESET_INFO), VfioUapi.VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, 12, 0x3B70, 15216 },
        { nameof(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET), VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, 13, 0x3B71, 15217 },
        { nameof(VfioUapi.VFIO_DEVICE_QUERY_GFX_PLANE), VfioUapi.VFIO_DEVICE_QUERY_GFX_PLANE, 14, 0x3B72, 15218 },
        { nameof(VfioUapi.VFIO_DEVICE_GET_GFX_DMABUF), VfioUapi.VFIO_DEVICE_GET_GFX_DMABUF, 15, 0x3B73, 15219 },
        { nameof(VfioUapi.VFIO_DEVICE_IOEVENTFD), VfioUapi.VFIO_DEVICE_IOEVENTFD, 16, 0x3B74, 15220 },
        { nameof(VfioUapi.VFIO_DEVICE_FEATURE), VfioUapi.VFIO_DEVICE_FEATURE, 17, 0x3B75, 15221 },
        { nameof(VfioUapi.VFIO_DEVICE_BIND_IOMMUFD), VfioUapi.VFIO_DEVICE_BIND_IOMMUFD, 18, 0x3B76, 15222 },
        { nameof(VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT), VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT, 19, 0x3B77, 15223 },
        { nameof(VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT), VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT, 20, 0x3B78, 15224 },
        { nameof(VfioUapi.VFIO_MIG_GET_PRECOPY_INFO), VfioUapi.VFIO_MIG_GET_PRECOPY_INFO, 21, 0x3B79, 15225 },
    };

    [Theory]
    [MemberData(nameof(IoctlTable))]
    public void IoctlNumberMatchesTheSpecTable(string name, uint value, int n, uint hex, uint dec)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(hex, value);
        Assert.Equal(dec, value);
        Assert.Equal(VfioUapi.Io(VfioUapi.VFIO_BASE + n), value);
        Assert.Equal(VfioUapi.VFIO_BASE + n, VfioUapi.IocNr(value));
        Assert.Equal(VfioUapi.VFIO_TYPE, VfioUapi.IocType(value));
    }

    [Fact]
    public void TypeAndBaseAreTheKernels()
    {
        Assert.Equal(0x3B, VfioUapi.VFIO_TYPE);
        Assert.Equal(';', (char)VfioUapi.VFIO_TYPE);
        Assert.Equal(100, VfioUapi.VFIO_BASE);
        Assert.Equal(0x3B75u, VfioUapi.VFIO_DEVICE_FEATURE);
        Assert.Equal(15221u, VfioUapi.VFIO_DEVICE_FEATURE);
    }

    [Fact]
    public void IoEncodesNoDirectionAndNoSize()
    {
        // _IO: the direction (bits 30..31) and size (bits 16..29) fields stay zero.
        Assert.Equal(0u, VfioUapi.Io(VfioUapi.VFIO_BASE + 17) & 0xFFFF0000u);
        // Only the 8-bit nr field is encodable; a larger value does not spill into the type byte.
        Assert.Equal(0x3B00u, VfioUapi.Io(0x100));
        Assert.Equal(0x3BFFu, VfioUapi.Io(-1));
    }

    [Fact]
    public void FeatureFlagValues()
    {
        Assert.Equal(0x0000FFFFu, VfioUapi.VFIO_DEVICE_FEATURE_MASK);
        Assert.Equal(0x00010000u, VfioUapi.VFIO_DEVICE_FEATURE_GET);
        Assert.Equal(0x00020000u, VfioUapi.VFIO_DEVICE_FEATURE_SET);
        Assert.Equal(0x00040000u, VfioUapi.VFIO_DEVICE_FEATURE_PROBE);
        Assert.Equal(8, VfioUapi.VFIO_DEVICE_FEATURE_HEADER_SIZE);
        Assert.Equal(0u, VfioUapi.VFIO_DEVICE_FEATURE_MASK & (VfioUapi.VFIO_DEVICE_FEATURE_GET | VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_PROBE));
    }

    [Fact]
    public void FeatureIndices()
    {
        Assert.Equal(0, VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);
        Assert.Equal(1, VfioUapi.VFIO_DEVICE_FEATURE_MIGRATION);
        Assert.Equal(2, VfioUapi.VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE);
        Assert.Equal(3, VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
        Assert.Equal(4, VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP);
        Assert.Equal(5, VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);
        Assert.Equal(6, VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_START);
        Assert.Equal(7, VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP);
        Assert.Equal(8, VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT);
        Assert.Equal(9, VfioUapi.VFIO_DEVICE_FEATURE_MIG_DATA_SIZE);

        // The indices combine with the direction bits into a u32 flags word.
        uint flags = VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
        Assert.Equal(0x00020003u, flags);
        Assert.Equal(3u, flags & VfioUapi.VFIO_DEVICE_FEATURE_MASK);
    }

    [Fact]
    public void RegionIndexesAndOffsetEncoding()
    {
        Assert.Equal(0, VfioUapi.VFIO_PCI_BAR0_REGION_INDEX);
        Assert.Equal(1, VfioUapi.VFIO_PCI_BAR1_REGION_INDEX);
        Assert.Equal(2, VfioUapi.VFIO_PCI_BAR2_REGION_INDEX);
        Assert.Equal(3, VfioUapi.VFIO_PCI_BAR3_REGION_INDEX);
        Assert.Equal(4, VfioUapi.VFIO_PCI_BAR4_REGION_INDEX);
        Assert.Equal(5, VfioUapi.VFIO_PCI_BAR5_REGION_INDEX);
        Assert.Equal(6, VfioUapi.VFIO_PCI_ROM_REGION_INDEX);
        Assert.Equal(7, VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX);
        Assert.Equal(8, VfioUapi.VFIO_PCI_VGA_REGION_INDEX);
        Assert.Equal(9, VfioUapi.VFIO_PCI_NUM_REGIONS);
        Assert.Equal(40, VfioUapi.VFIO_PCI_OFFSET_SHIFT);
        Assert.Equal(0xFF_FFFF_FFFFL, VfioUapi.VFIO_PCI_OFFSET_MASK);
        Assert.Equal(0x70000000000L, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX));
    }

    [Theory]
    [InlineData(0, 0L)]
    [InlineData(7, 0x40L)]
    [InlineData(5, 0xFF_FFFF_FFFFL)]
    [InlineData(9, 123L)]
    [InlineData(0x7FFFFF, 1L)]
    public void RegionOffsetRoundTrips(int index, long within)
    {
        long offset = VfioUapi.RegionOffset(index) + within;
        Assert.Equal(index, VfioUapi.RegionIndex(offset));
        Assert.Equal(within, VfioUapi.OffsetInRegion(offset));
    }

    [Fact]
    public void NegativeOffsetMapsToNoRegion()
    {
        Assert.True(VfioUapi.RegionIndex(-1) >= VfioUapi.VFIO_PCI_NUM_REGIONS);
        Assert.True(VfioUapi.RegionIndex(long.MinValue) >= VfioUapi.VFIO_PCI_NUM_REGIONS);
    }

    [Fact]
    public void StructSizesAreEight()
    {
        Assert.Equal(8, VfioDeviceFeature.Size);
        Assert.Equal(8, VfioDeviceLowPowerEntryWithWakeup.Size);
        Assert.Equal(8, Marshal.SizeOf<VfioDeviceFeature>());
        Assert.Equal(8, Marshal.SizeOf<VfioDeviceLowPowerEntryWithWakeup>());
        Assert.Equal(8, Unsafe.SizeOf<VfioDeviceFeature>());
        Assert.Equal(8, Unsafe.SizeOf<VfioDeviceLowPowerEntryWithWakeup>());
        Assert.Equal(4, (int)Marshal.OffsetOf<VfioDeviceFeature>(nameof(VfioDeviceFeature.Flags)));
        Assert.Equal(4, (int)Marshal.OffsetOf<VfioDeviceLowPowerEntryWithWakeup>(nameof(VfioDeviceLowPowerEntryWithWakeup.Reserved)));
    }

    [Fact]
    public void FeatureHeaderIsLittleEndianAndRoundTrips()
    {
        var buffer = new byte[8];
        Assert.True(new VfioDeviceFeature(0x10, 0x00020004).Write(buffer));
        Assert.Equal(new byte[] { 0x10, 0, 0, 0, 0x04, 0, 0x02, 0 }, buffer);
        Assert.True(VfioDeviceFeature.TryRead(buffer, out var hdr));
        Assert.Equal(0x10u, hdr.Argsz);
        Assert.Equal(0x00020004u, hdr.Flags);
        Assert.Equal(4, hdr.Feature);
    }

    [Fact]
    public void WakeupPayloadIsLittleEndianAndSigned()
    {
        var buffer = new byte[8];
        Assert.True(new VfioDeviceLowPowerEntryWithWakeup(-1, 0xAABBCCDD).Write(buffer));
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xDD, 0xCC, 0xBB, 0xAA }, buffer);
        Assert.True(VfioDeviceLowPowerEntryWithWakeup.TryRead(buffer, out var p));
        Assert.Equal(-1, p.WakeupEventfd);
        Assert.Equal(0xAABBCCDDu, p.Reserved);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void TryReadRejectsShortSpans(int length)
    {
        var buffer = new byte[length];
        Array.Fill(buffer, (byte)0x5A);
        Assert.False(VfioDeviceFeature.TryRead(buffer, out var hdr));
        Assert.Equal(default, hdr);
        Assert.False(VfioDeviceLowPowerEntryWithWakeup.TryRead(buffer, out var payload));
        Assert.Equal(default, payload);
    }

    [Fact]
    public void WriteRejectsShortSpansWithoutTouchingThem()
    {
        var buffer = new byte[7];
        Assert.False(new VfioDeviceFeature(8, 1).Write(buffer));
        Assert.False(new VfioDeviceLowPowerEntryWithWakeup(3).Write(buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void TryReadIgnoresTrailingBytes()
    {
        byte[] buffer = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_GET | 1, new byte[] { 1, 2, 3 });
        Assert.True(VfioDeviceFeature.TryRead(buffer, out var hdr));
        Assert.Equal(11u, hdr.Argsz);
    }

    [Fact]
    public void BuildSetsArgszToTheWholeBuffer()
    {
        byte[] empty = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
        Assert.Equal(8, empty.Length);
        Assert.True(VfioDeviceFeature.TryRead(empty, out var hdr));
        Assert.Equal(8u, hdr.Argsz);
        Assert.Equal(0x00020003u, hdr.Flags);

        byte[] withDefault = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_PROBE, default);
        Assert.Equal(8, withDefault.Length);

        byte[] payload = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_GET, new byte[] { 9, 8, 7, 6, 5 });
        Assert.Equal(13, payload.Length);
        Assert.True(VfioDeviceFeature.TryRead(payload, out hdr));
        Assert.Equal(13u, hdr.Argsz);
        Assert.Equal(new byte[] { 9, 8, 7, 6, 5 }, payload[8..]);
    }

    [Fact]
    public void BuildLowPowerEntryWithWakeup()
    {
        byte[] buffer = VfioFeatureRequest.BuildLowPowerEntryWithWakeup(5);
        Assert.Equal(16, buffer.Length);
        Assert.True(VfioDeviceFeature.TryRead(buffer, out var hdr));
        Assert.Equal(16u, hdr.Argsz);
        Assert.Equal(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, hdr.Flags);
        Assert.True(VfioDeviceLowPowerEntryWithWakeup.TryRead(buffer.AsSpan(8), out var payload));
        Assert.Equal(5, payload.WakeupEventfd);
        Assert.Equal(0u, payload.Reserved);
    }
}
