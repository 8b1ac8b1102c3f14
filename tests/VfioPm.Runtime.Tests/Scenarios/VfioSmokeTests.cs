using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Scenarios;

public sealed class VfioSmokeTests
{
    private readonly ITestOutputHelper _out;

    public VfioSmokeTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void UnusedDeviceAndPortReachD3ColdThenOpenResumesThemAndEntrySuspendsAgain()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var gpu = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true });
        var driver = new VfioPciDriver();
        Assert.Equal(0, gpu.Bind(driver));
        platform.Settle(TimeSpan.FromMilliseconds(300));
        _out.WriteLine(platform.FormatTimeline());
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(PciPowerState.D3cold, port.CurrentState);
        Assert.Equal(0, gpu.Power.UsageCount);

        var vdev = driver.GetDevice(gpu)!;
        var file = vdev.Open();
        Assert.Equal(RpmStatus.Active, gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);
        Assert.Equal(1, gpu.Power.UsageCount);

        var entry = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, entry));
        Assert.True(vdev.PmRuntimeEngaged);
        platform.Settle(TimeSpan.FromMilliseconds(300));
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);

        Span<byte> buf = stackalloc byte[2];
        Assert.Equal(2, file.Read(buf, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX)));
        Assert.Equal(0x10de, buf[0] | (buf[1] << 8));

        var exit = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, exit));
        platform.Settle(TimeSpan.FromMilliseconds(300));
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);
        Assert.Equal(1, gpu.Power.UsageCount);

        file.Close();
        platform.Settle(TimeSpan.FromMilliseconds(300));
        _out.WriteLine(platform.FormatTimeline());
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.Empty(platform.FatalAccesses);
    }
}
