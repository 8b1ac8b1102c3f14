using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Vfio;

namespace VfioPm.Runtime.Tests.Faults;

/// <summary>
/// The platform cannot cut power (ACPI <c>_OFF</c> fails): the function ends in D3hot and the suspend still counts as
/// done (spec §5.3: <c>pci_set_power_state(D3cold)</c> reports no error when the platform cannot). Nothing is lost: it
/// resumes from D3hot, and the next suspend reaches D3cold.
/// </summary>
public sealed class PowerOffFailureTests
{
    [Fact]
    public void TheFunctionEndsInD3hotAndTheNextSuspendReachesD3cold()
    {
        // The slot has platform power control; the port above has none, so it cannot take the function to D3cold.
        var rig = new VfioRig(spec: new PciFunctionSpec { PlatformD3Cold = true }, platformD3Cold: false);
        rig.Platform.FailPowerOff(rig.Pdev);

        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.Pdev.Power.RuntimeError);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Port.Power.Status);
        Assert.Equal(PciPowerState.D3hot, rig.Port.CurrentState);

        // Config space answers from D3hot; an access resumes it (port first) and it goes down again, now to D3cold.
        Assert.Equal(0x10de, rig.ConfigRead16(PciRegs.VendorId));
        Assert.Equal(0, rig.Usage);
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(0, rig.Port.Power.ChildCount);
        rig.AssertNoFatal();
    }
}
