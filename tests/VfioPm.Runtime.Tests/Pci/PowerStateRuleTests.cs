using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Vfio;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Pci;

/// <summary>
/// The PCI core's power-state rules (drivers/pci/pci.c): pci_set_power_state() bounds and transitions,
/// pci_target_state(), and pci_resume_bus() after a bridge's power-up.
/// </summary>
public sealed class PowerStateRuleTests
{
    private static PciDevice Endpoint(SimulatedPlatform platform, PciFunctionSpec spec, bool platformD3Cold = false)
    {
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: platformD3Cold);
        return platform.AddEndpoint(port, "0000:01:00.0", spec);
    }

    [Fact]
    public void UnknownIsBoundedToD3cold_pci_set_power_state()
    {
        var platform = new SimulatedPlatform();
        var pdev = Endpoint(platform, new PciFunctionSpec { PlatformD3Cold = true }, platformD3Cold: true);

        Assert.Equal(0, pdev.SetPowerState(PciPowerState.Unknown));
        Assert.Equal(PciPowerState.D3cold, pdev.CurrentState);
        Assert.Equal(0, pdev.SetPowerState(PciPowerState.D0));
        Assert.Equal(PciPowerState.D0, pdev.CurrentState);
    }

    [Fact]
    public void UnknownOnASlotWithoutPlatformPowerEndsInD3hot_pci_set_power_state()
    {
        var platform = new SimulatedPlatform();
        var pdev = Endpoint(platform, new PciFunctionSpec());

        // D3cold: the native part (D3hot) happens; the platform cannot cut power; still success.
        Assert.Equal(0, pdev.SetPowerState(PciPowerState.Unknown));
        Assert.Equal(PciPowerState.D3hot, pdev.CurrentState);
    }

    [Theory]
    [InlineData(PciPowerState.D3hot, PciPowerState.D1)]
    [InlineData(PciPowerState.D2, PciPowerState.D1)]
    [InlineData(PciPowerState.D3hot, PciPowerState.D2)]
    public void FromALowPowerStateOnlyDeeperIsAllowed_pci_set_low_power_state(PciPowerState from, PciPowerState to)
    {
        var platform = new SimulatedPlatform();
        var pdev = Endpoint(platform, new PciFunctionSpec { D1Support = true, D2Support = true });
        Assert.Equal(0, pdev.SetPowerState(from));

        Assert.Equal(-Errno.EINVAL, pdev.SetPowerState(to));
        Assert.Equal(from, pdev.CurrentState);
    }

    [Fact]
    public void WithoutPmCapabilityOnlyD0AndD3coldAreReachable_pci_set_low_power_state()
    {
        var platform = new SimulatedPlatform();
        var pdev = Endpoint(platform, new PciFunctionSpec { HasPmCapability = false, PlatformD3Cold = true }, platformD3Cold: true);

        Assert.Equal(-Errno.EIO, pdev.SetPowerState(PciPowerState.D3hot));
        Assert.Equal(0, pdev.SetPowerState(PciPowerState.D3cold));
        Assert.Equal(PciPowerState.D3cold, pdev.CurrentState);
    }

    [Fact]
    public void TargetStateAsksThePlatformFirstEvenWithoutPmCapability_pci_target_state()
    {
        var platform = new SimulatedPlatform();
        var pdev = Endpoint(platform, new PciFunctionSpec { HasPmCapability = false, PlatformD3Cold = true }, platformD3Cold: true);

        Assert.Equal(PciPowerState.D3cold, pdev.TargetState());
        pdev.D3ColdAllowed = false;
        Assert.Equal(PciPowerState.D3hot, pdev.TargetState());
    }

    [Fact]
    public void TargetStateWithoutPlatformOrPmCapabilityIsD0_pci_target_state()
    {
        var platform = new SimulatedPlatform();
        var pdev = Endpoint(platform, new PciFunctionSpec { HasPmCapability = false });
        Assert.Equal(PciPowerState.D0, pdev.TargetState());

        var withCap = Endpoint(new SimulatedPlatform(), new PciFunctionSpec());
        Assert.Equal(PciPowerState.D3hot, withCap.TargetState());
    }

    [Fact]
    public void VfioFunctionWithoutPmCapabilityRuntimeSuspendsToD3cold_pci_finish_runtime_suspend()
    {
        // Only the endpoint's slot has platform power control; the port above cannot take it to D3cold.
        var rig = new VfioRig(new PciFunctionSpec { HasPmCapability = false, PlatformD3Cold = true }, platformD3Cold: false, open: false);

        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);
        rig.Reopen();
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        rig.AssertNoFatal();
    }

    [Fact]
    public void BridgePowerUpRequestsAResumeOfTheWholeSubtree_pci_resume_bus()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var upstream = platform.AddBridge(port, "0000:01:00.0");
        var downstream = platform.AddBridge(upstream, "0000:02:01.0");
        var gpu = platform.AddEndpoint(downstream, "0000:03:00.0", new PciFunctionSpec());
        Assert.Equal(0, gpu.Bind(new VfioPciDriver()));
        platform.Settle(VfioRig.SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(RpmStatus.Suspended, port.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);

        var gpuStates = new System.Collections.Generic.List<PciPowerState>();
        gpu.PowerStateChanged += (_, _, to) => gpuStates.Add(to);

        // The port comes back from D3cold: every function below it, at any depth, is asked to resume (and, being
        // unused, suspends again).
        Assert.Equal(0, port.Power.Resume());
        platform.Queue!.RunUntilIdle();
        Assert.Contains(PciPowerState.D0, gpuStates);

        platform.Settle(VfioRig.SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void PowerUpActionsReachGrandchildrenDirectly_pci_resume_bus()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var bridge = platform.AddBridge(port, "0000:01:00.0");
        var gpu = platform.AddEndpoint(bridge, "0000:02:00.0", new PciFunctionSpec());
        Assert.Equal(0, gpu.Bind(new VfioPciDriver()));
        platform.Settle(VfioRig.SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);

        port.BridgePowerUpActions();
        Assert.True(bridge.Power.RequestPending);
        Assert.True(gpu.Power.RequestPending);
        platform.Settle(VfioRig.SettleTime);
        Assert.Empty(platform.FatalAccesses);
    }
}
