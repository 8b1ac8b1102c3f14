using System;
using System.Collections.Generic;
using System.Linq;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Scenarios;

/// <summary>
/// DESIGN scenario 5 (seed 004, spec §3.3, §3.15, §3.16 DisableIdleD3 variant, §5.5, §5.6): registration with runtime
/// PM, <c>disable_idle_d3</c>, the device-set PM get with reverse unwind, and the power_state topology table.
/// </summary>
public sealed class RegistrationScenarioTests
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);

    private readonly ITestOutputHelper _out;

    public RegistrationScenarioTests(ITestOutputHelper output) => _out = output;

    public enum Topology
    {
        NoRuntimePm,
        RuntimePmWithoutPlatformD3Cold,
        RuntimePmWithPlatformD3Cold,
    }

    [Theory]
    [InlineData("on")]
    [InlineData("auto")]
    public void RegistrationPutsTheFunctionInD0FirstThenAllowsRuntimePm(string adminControl)
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var gpu = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true });
        Assert.Equal("on", gpu.Power.ControlText);
        Assert.Equal(1, gpu.Power.UsageCount);
        Assert.Equal(0, platform.WritePowerControl(gpu, adminControl));

        // Some earlier owner left the function in D3hot behind the PM core's back.
        Assert.Equal(0, gpu.SetPowerState(PciPowerState.D3hot));
        Assert.Equal(PciPowerState.D3hot, gpu.CurrentState);
        if (adminControl == "auto")
        {
            // The unbound function may runtime-suspend; the PCI core leaves it in its state (it only saves config).
            platform.Settle(SettleTime);
        }

        var allowedWhenD0 = new List<bool>();
        gpu.PowerStateChanged += (_, _, to) =>
        {
            if (to == PciPowerState.D0)
            {
                allowedWhenD0.Add(gpu.Power.IsAllowed);
            }
        };

        var driver = new VfioPciDriver();
        Assert.Equal(0, gpu.Bind(driver));
        var vdev = driver.GetDevice(gpu)!;
        Assert.True(vdev.IsRegistered);

        // D0 was reached before runtime PM was allowed (when admin left it "on"; with "auto" it was allowed all along).
        Assert.NotEmpty(allowedWhenD0);
        Assert.Equal(adminControl == "auto", allowedWhenD0[0]);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);

        // Runtime PM allowed whatever the admin wrote; the probe reference dropped: the unused device idles.
        Assert.True(gpu.Power.IsAllowed);
        Assert.Equal("auto", gpu.Power.ControlText);
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, gpu.Power.Status);

        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(PciPowerState.D3cold, port.CurrentState);
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void DisableIdleD3KeepsTheProbeReferenceButLowPowerEntryStillSuspends()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var gpu = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true });
        var driver = new VfioPciDriver(new VfioPciOptions { DisableIdleD3 = true });
        Assert.Equal(0, gpu.Bind(driver));
        var vdev = driver.GetDevice(gpu)!;
        Assert.True(vdev.DisableIdleD3);

        // Never dropped: the unused device stays in D0, although runtime PM is allowed.
        Assert.True(gpu.Power.IsAllowed);
        Assert.Equal(1, gpu.Power.UsageCount);
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);
        Assert.Equal(PciPowerState.D0, port.CurrentState);

        // Open and close take and drop nothing.
        var file = vdev.Open();
        Assert.Equal(1, gpu.Power.UsageCount);
        file.Close();
        Assert.Equal(1, gpu.Power.UsageCount);
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, gpu.Power.Status);

        // LOW_POWER_ENTRY drops the probe reference instead, so the device can suspend.
        file = vdev.Open();
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        Assert.Equal(0, gpu.Power.UsageCount);
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);

        // EXIT re-takes it.
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Assert.Equal(1, gpu.Power.UsageCount);
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);

        // Close while engaged re-takes it too.
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(0, gpu.Power.UsageCount);
        file.Close();
        Assert.Equal(1, gpu.Power.UsageCount);
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);
        Assert.Equal(1, gpu.Power.UsageCount);

        // Unbind is balanced: back to the PCI default of one (forbid) reference.
        gpu.Unbind();
        Assert.Equal(1, gpu.Power.UsageCount);
        Assert.False(gpu.Power.IsAllowed);
        Assert.Equal(0, gpu.Power.UnderflowWarnings);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void HotResetTakesAReferenceOnEveryDeviceOfTheSetAndPutsThemAll()
    {
        var (platform, port, devs) = ThreeOnOneBus();
        var file = devs[0].Vdev.Open();
        Assert.Equal(PciPowerState.D3cold, devs[1].Pdev.CurrentState);
        Assert.Equal(PciPowerState.D3cold, devs[2].Pdev.CurrentState);
        var resumed = RecordResumes(platform);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, Span<byte>.Empty));

        // Devices 1 and 2 were resumed for the reset, each on the one reference the set took (the bus reset needs every
        // function in D0: otherwise a fatal access).
        lock (resumed)
        {
            Assert.Equal(new[] { (devs[1].Pdev.Name, 1), (devs[2].Pdev.Name, 1) }, resumed.ToArray());
        }

        Assert.Equal(1, devs[0].Pdev.Power.UsageCount);
        Assert.Equal(0, devs[1].Pdev.Power.UsageCount);
        Assert.Equal(0, devs[2].Pdev.Power.UsageCount);
        Assert.Empty(platform.FatalAccesses);

        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, devs[0].Pdev.Power.Status);
        Assert.Equal(RpmStatus.Suspended, devs[1].Pdev.Power.Status);
        Assert.Equal(RpmStatus.Suspended, devs[2].Pdev.Power.Status);
        Assert.Equal(PciPowerState.D3cold, devs[1].Pdev.CurrentState);
        Assert.Equal(PciPowerState.D0, port.CurrentState);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void HotResetReturnsTheRawResumeErrorAndPutsBackOnlyWhatItTook()
    {
        // Device 1 (of 3) fails to resume with a distinctive errno: the hot reset returns it raw (spec §3.15 step 2),
        // unlike the ioctl wrapper, which masks its own resume failures as -EIO. Device 0 (the caller) had its set
        // reference put back; device 1's failed resume_and_get left nothing; device 2 was never tried.
        var (platform, _, devs) = ThreeOnOneBus();
        var file = devs[0].Vdev.Open();
        Assert.Equal(1, devs[0].Pdev.Power.UsageCount);
        var resumed = RecordResumes(platform);
        platform.FailRuntimeCallback(devs[1].Pdev, RuntimePmCallbackKinds.Resume, -Errno.ENODEV);

        Assert.Equal(-Errno.ENODEV, file.Ioctl(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, Span<byte>.Empty));
        _out.WriteLine(platform.FormatTimeline());
        Assert.Equal(-Errno.ENODEV, devs[1].Pdev.Power.RuntimeError);
        Assert.Equal(1, devs[0].Pdev.Power.UsageCount);
        Assert.Equal(0, devs[1].Pdev.Power.UsageCount);
        Assert.Equal(0, devs[2].Pdev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, devs[1].Pdev.Power.Status);
        Assert.Equal(RpmStatus.Suspended, devs[2].Pdev.Power.Status);
        Assert.Equal(PciPowerState.D3cold, devs[2].Pdev.CurrentState);
        lock (resumed)
        {
            Assert.Empty(resumed);
        }

        platform.Settle(SettleTime);
        Assert.Equal(1, devs[0].Pdev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, devs[0].Pdev.Power.Status);
        Assert.Equal(RpmStatus.Suspended, devs[2].Pdev.Power.Status);
        Assert.All(devs, d => Assert.Equal(0, d.Pdev.Power.UnderflowWarnings));
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void SetPmGetUnwindsInReverseWhenTheLastDeviceFails()
    {
        // Failure at the third device: devices 0 and 1 were taken and both are put back.
        var (platform, _, devs) = ThreeOnOneBus();
        var file = devs[0].Vdev.Open();
        platform.FailRuntimeCallback(devs[2].Pdev, RuntimePmCallbackKinds.Resume, -Errno.ENODEV);

        Assert.Equal(-Errno.ENODEV, file.Ioctl(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, Span<byte>.Empty));
        Assert.Equal(1, devs[0].Pdev.Power.UsageCount);
        Assert.Equal(0, devs[1].Pdev.Power.UsageCount);
        Assert.Equal(0, devs[2].Pdev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, devs[2].Pdev.Power.Status);

        // Device 1 was resumed for nothing and idles back down.
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, devs[1].Pdev.Power.Status);
        Assert.Equal(PciPowerState.D3cold, devs[1].Pdev.CurrentState);
        Assert.Equal(RpmStatus.Suspended, devs[2].Pdev.Power.Status);
        Assert.All(devs, d => Assert.Equal(0, d.Pdev.Power.UnderflowWarnings));
        Assert.Empty(platform.FatalAccesses);
    }

    [Theory]
    [InlineData(Topology.NoRuntimePm, PciPowerState.D3hot, PciPowerState.D0)]
    [InlineData(Topology.RuntimePmWithoutPlatformD3Cold, PciPowerState.D3hot, PciPowerState.D3hot)]
    [InlineData(Topology.RuntimePmWithPlatformD3Cold, PciPowerState.D3cold, PciPowerState.D3cold)]
    public void IdleDeviceAndBridgePowerStatesMatchTheSeedTable(Topology topology, PciPowerState device, PciPowerState bridge)
    {
        var d3cold = topology == Topology.RuntimePmWithPlatformD3Cold;
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:01.0", platformD3Cold: d3cold);
        var gpu = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = d3cold });
        platform.Settle(SettleTime);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);
        Assert.Equal(PciPowerState.D0, port.CurrentState);

        if (topology == Topology.NoRuntimePm)
        {
            // Pre-5.19 vfio: D3hot written directly; runtime PM stays forbidden, so the device counts as active and the
            // bridge above never idles.
            Assert.Equal(0, gpu.SetPowerState(PciPowerState.D3hot));
        }
        else
        {
            Assert.Equal(0, gpu.Bind(new VfioPciDriver()));
        }

        platform.Settle(SettleTime);
        _out.WriteLine(platform.FormatTimeline());
        Assert.Equal(device, gpu.CurrentState);
        Assert.Equal(bridge, port.CurrentState);
        Assert.Equal(topology == Topology.NoRuntimePm ? RpmStatus.Active : RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(topology == Topology.NoRuntimePm ? RpmStatus.Active : RpmStatus.Suspended, port.Power.Status);
        Assert.Empty(platform.FatalAccesses);
    }

    private static List<(string Name, int Usage)> RecordResumes(SimulatedPlatform platform)
    {
        var resumed = new List<(string Name, int Usage)>();
        platform.Environment.Transition += t =>
        {
            if (t.From == RpmStatus.Resuming && t.To == RpmStatus.Active && t.Device is PciDevice { IsBridge: false })
            {
                lock (resumed)
                {
                    resumed.Add((t.Device.Name, t.UsageCount));
                }
            }
        };
        return resumed;
    }

    // Three vfio functions on one bus below a root port, all bound and idle in D3cold; one reset group.
    private static (SimulatedPlatform Platform, PciDevice Port, (PciDevice Pdev, VfioPciCoreDevice Vdev)[] Devs) ThreeOnOneBus()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var driver = new VfioPciDriver();
        var devs = new (PciDevice, VfioPciCoreDevice)[3];
        for (var i = 0; i < 3; i++)
        {
            var pdev = platform.AddEndpoint(port, $"0000:01:00.{i}", new PciFunctionSpec { PlatformD3Cold = true });
            Assert.Equal(0, pdev.Bind(driver));
            devs[i] = (pdev, driver.GetDevice(pdev)!);
        }

        platform.Settle(SettleTime);
        foreach (var (pdev, vdev) in devs)
        {
            Assert.Equal(RpmStatus.Suspended, pdev.Power.Status);
            Assert.Equal(PciPowerState.D3cold, pdev.CurrentState);
            Assert.Equal(0, pdev.Power.UsageCount);
            Assert.Same(devs[0].Item2.DevSet, vdev.DevSet);
        }

        Assert.Equal(3, devs[0].Item2.DevSet!.Devices.Count);
        Assert.Equal(PciPowerState.D3cold, port.CurrentState);
        return (platform, port, devs);
    }

    private static byte[] Feature(ushort index) => VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | index);
}
