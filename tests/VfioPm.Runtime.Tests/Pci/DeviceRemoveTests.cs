using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Vfio;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Pci;

/// <summary>pci_device_remove(): what unbinding leaves behind in the PCI core's power bookkeeping.</summary>
public sealed class DeviceRemoveTests
{
    [Fact]
    public void RemoveLeavesAFunctionInD0Unknown_pci_device_remove()
    {
        var rig = new VfioRig(open: false);
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);

        rig.Pdev.Unbind();

        // pm_runtime_forbid() resumed it to D0; pci_device_remove() then forgets that it knows the state.
        Assert.Equal(PciPowerState.Unknown, rig.Pdev.CurrentState);
        Assert.Equal(PciPowerState.D0, rig.Pdev.HardwareState);
        rig.AssertNoFatal();
    }

    [Fact]
    public void RemoveLeavesALowPowerStateKnown_pci_device_remove()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        var pdev = platform.AddEndpoint(port, "0000:01:00.0");
        var driver = new NoPmDriver();
        Assert.Equal(0, pdev.Bind(driver));
        Assert.Equal(0, pdev.SetPowerState(PciPowerState.D3hot));

        pdev.Unbind();

        Assert.Equal(PciPowerState.D3hot, pdev.CurrentState);
    }

    [Fact]
    public void RebindFromUnknownReachesD0WithoutLosingState_pci_set_full_power_state()
    {
        var rig = new VfioRig(open: false, spec: new PciFunctionSpec { NoSoftReset = false });
        rig.Pdev.Unbind();
        Assert.Equal(PciPowerState.Unknown, rig.Pdev.CurrentState);
        rig.Pdev.Config.Write(0x80, new byte[] { 0x5a });

        // vfio_pci_core_register_device(): "D0 is the only legal way out of unknown". PMCSR says D0: nothing is lost.
        Assert.Equal(0, rig.Pdev.Bind(new VfioPciDriver()));
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        var b = new byte[1];
        rig.Pdev.Config.Read(0x80, b);
        Assert.Equal(0x5a, b[0]);
    }

    [Fact]
    public void LowPowerRequestFromUnknownIsAllowed_pci_set_low_power_state()
    {
        var rig = new VfioRig(open: false);
        rig.Pdev.Unbind();
        Assert.Equal(PciPowerState.Unknown, rig.Pdev.CurrentState);

        Assert.Equal(0, rig.Pdev.SetPowerState(PciPowerState.D3hot));
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
    }

    private sealed class NoPmDriver : PciDriver
    {
        public override string Name => "plain";

        public override int Probe(PciDevice device) => 0;

        public override void Remove(PciDevice device)
        {
        }
    }
}
