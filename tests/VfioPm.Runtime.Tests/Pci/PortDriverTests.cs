using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Pci;

/// <summary>The PCIe port driver (drivers/pci/pcie/portdrv.c) and the bridge D3 policy (pci_bridge_d3_possible/update).</summary>
public sealed class PortDriverTests
{
    private static readonly System.TimeSpan Settle = System.TimeSpan.FromMilliseconds(300);

    [Fact]
    public void ProbeLetsAD3CapablePortAutosuspend_pcie_portdrv_probe()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");

        Assert.IsType<PciePortDriver>(port.BoundDriver);
        Assert.True(port.Power.UsesAutosuspend);
        Assert.Equal(PciePortDriver.AutosuspendDelayMs, port.Power.AutosuspendDelayMs);
        Assert.Equal("auto", port.Power.ControlText);
        Assert.Equal(0, port.Power.UsageCount);
        platform.Settle(Settle);
        Assert.Equal(RpmStatus.Suspended, port.Power.Status);
        Assert.Equal(PciPowerState.D3hot, port.CurrentState);
    }

    [Fact]
    public void APortThatCannotUseD3StaysForbiddenAndActive_pcie_portdrv_probe()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", bridgeD3Possible: false);
        platform.Settle(Settle);
        Assert.Equal("on", port.Power.ControlText);
        Assert.Equal(RpmStatus.Active, port.Power.Status);
        Assert.Equal(-Errno.EBUSY, ((PciePortDriver)port.BoundDriver!).RuntimeSuspend(port));
        Assert.Equal(-Errno.EBUSY, ((PciePortDriver)port.BoundDriver!).RuntimeIdle(port));
    }

    [Fact]
    public void AChildWithoutD3coldKeepsTheBridgeOutOfD3_pci_bridge_d3_update()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        var gpu = platform.AddEndpoint(port, "0000:01:00.0");
        Assert.True(port.BridgeD3);

        platform.WriteD3ColdAllowed(gpu, false);
        Assert.False(port.BridgeD3);
        Assert.Equal(-Errno.EBUSY, ((PciePortDriver)port.BoundDriver!).RuntimeSuspend(port));

        platform.WriteD3ColdAllowed(gpu, true);
        Assert.True(port.BridgeD3);
    }

    [Fact]
    public void ThePortSuspendsOnlyAfterItsLastChildIdles_pcie_port_runtime_idle()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        var gpu = platform.AddEndpoint(port, "0000:01:00.0");
        var driver = new VfioPciDriver();
        Assert.Equal(0, gpu.Bind(driver));
        var file = driver.GetDevice(gpu)!.Open();
        platform.Settle(Settle);
        Assert.Equal(RpmStatus.Active, port.Power.Status); // an active child holds it

        file.Close();
        platform.Settle(Settle);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(RpmStatus.Suspended, port.Power.Status);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void RemoveTakesTheReferenceBackAndForbids_pcie_portdrv_remove()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        platform.Settle(Settle);

        port.Unbind();

        Assert.Null(port.BoundDriver);
        Assert.Equal("on", port.Power.ControlText);
        Assert.False(port.Power.UsesAutosuspend);
        Assert.Equal(1, port.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, port.Power.Status);
        Assert.Equal(0, port.Power.UnderflowWarnings);
    }
}
