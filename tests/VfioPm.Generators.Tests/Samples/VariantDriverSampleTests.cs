using System;
using System.CodeDom.Compiler;
using System.Buffers.Binary;
using System.IO;
using System.Reflection;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using VfioPm.Samples.VariantDriver;

namespace VfioPm.Generators.Tests.Samples;

/// <summary>The variant-driver sample, built with the generator as an analyzer, run in-process.</summary>
public sealed class VariantDriverSampleTests
{
    [Theory]
    [InlineData(false, "D3hot")]
    [InlineData(true, "D3cold")]
    public void ScenarioGivesEveryExpectedResultAndNeverTouchesASuspendedDevice(bool platformD3Cold, string idle)
    {
        var output = new StringWriter();
        var scenario = new VariantDriverScenario(output);

        var exit = scenario.Run(platformD3Cold);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Empty(scenario.Mismatches);
        Assert.DoesNotContain("BAD", text, StringComparison.Ordinal);
        Assert.Contains("No device was touched outside D0.", text, StringComparison.Ordinal);
        Assert.Contains("the unused device idles", text, StringComparison.Ordinal);
        Assert.Contains(idle, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ioctl", new[] { typeof(uint), typeof(Span<byte>) })]
    [InlineData("Read", new[] { typeof(Span<byte>), typeof(long) })]
    [InlineData("Write", new[] { typeof(ReadOnlySpan<byte>), typeof(long) })]
    public void SampleDispatchersAreGenerated(string name, Type[] parameters)
    {
        var method = typeof(AcmeVariantDevice).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
        Assert.NotNull(method);
        Assert.Equal("VfioPm.Generators", method!.GetCustomAttribute<GeneratedCodeAttribute>()?.Tool);
    }

    [Fact]
    public void ThermalGetResumesTheFunctionAndTheDeviceSuspendsAfterwards()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        var pdev = platform.AddEndpoint(port, "0000:01:00.0");
        var driver = new AcmeVariantPciDriver();
        Assert.Equal(0, pdev.Bind(driver));
        platform.Settle(TimeSpan.FromMilliseconds(300));
        Assert.Equal(PciPowerState.D3hot, pdev.CurrentState);
        var device = driver.GetDevice(pdev)!;

        var request = new byte[12];
        new VfioDeviceFeature(12, VfioUapi.VFIO_DEVICE_FEATURE_GET | AcmeVariantDevice.AcmeFeatureThermal).Write(request);
        Assert.Equal(0, device.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, request));

        Assert.Equal(42u, BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8)));
        Assert.Equal(PciPowerState.D0, pdev.CurrentState);
        Assert.Equal(0, pdev.Power.UsageCount);
        platform.Settle(TimeSpan.FromMilliseconds(300));
        Assert.Equal(PciPowerState.D3hot, pdev.CurrentState);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void FailedResumeIsEioAndLeavesTheUsageCount()
    {
        var platform = new SimulatedPlatform();
        var pdev = platform.AddEndpoint(platform.AddRootPort("0000:00:1c.0"), "0000:01:00.0");
        var driver = new AcmeVariantPciDriver();
        Assert.Equal(0, pdev.Bind(driver));
        platform.Settle(TimeSpan.FromMilliseconds(300));
        platform.FailRuntimeCallback(pdev, RuntimePmCallbackKinds.Resume, -Errno.ENODEV);

        Assert.Equal(-Errno.EIO, driver.GetDevice(pdev)!.Read(new byte[4], VfioUapi.RegionOffset(0)));

        Assert.Equal(0, pdev.Power.UsageCount);
        Assert.Equal(PciPowerState.D3hot, pdev.CurrentState);
        Assert.Empty(platform.FatalAccesses);
    }
}
