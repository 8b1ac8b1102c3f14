using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>
/// The config region's bounds and per-register split (vfio_config_do_rw()) and the PM capability's write function
/// (vfio_pm_config_write()).
/// </summary>
public sealed class ConfigSpaceBoundsTests
{
    private const int PmCap = PciConfigSpace.PmCapOffset;
    private const int Pmcsr = PmCap + PciRegs.PmCtrl;

    private static long ConfigRegion(long offset) => VfioRig.Region(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX, offset);

    [Theory]
    [InlineData(PciConfigSpace.Size, 1)]
    [InlineData(PciConfigSpace.Size, 4)]
    [InlineData(PciConfigSpace.Size + 0x100, 2)]
    [InlineData(PciConfigSpace.Size - 1, 2)]
    [InlineData(PciConfigSpace.Size - 3, 4)]
    public void AccessAtOrRunningPastCfgSizeIsEfault_vfio_config_do_rw(int offset, int length)
    {
        var rig = new VfioRig();
        var usage = rig.Usage;
        Assert.Equal(-Errno.EFAULT, rig.File.Read(new byte[length], ConfigRegion(offset)));
        Assert.Equal(-Errno.EFAULT, rig.File.Write(new byte[length], ConfigRegion(offset)));
        Assert.Equal(usage, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void AnOverrunningWriteChangesNothing_vfio_config_do_rw()
    {
        var rig = new VfioRig();
        var last = PciConfigSpace.Size - 2;
        Assert.Equal(-Errno.EFAULT, rig.File.Write(new byte[] { 0x11, 0x22, 0x33 }, ConfigRegion(last)));
        var b = new byte[2];
        rig.Pdev.Config.Read(last, b);
        Assert.Equal(new byte[] { 0, 0 }, b);
    }

    [Fact]
    public void TheLastBytesAreStillReachable_vfio_config_do_rw()
    {
        var rig = new VfioRig();
        Assert.Equal(2L, rig.File.Write(new byte[] { 0x11, 0x22 }, ConfigRegion(PciConfigSpace.Size - 2)));
        Assert.Equal(4L, rig.File.Read(new byte[4], ConfigRegion(PciConfigSpace.Size - 4)));
    }

    [Fact]
    public void WriteFromTheCapabilityHeaderReachesPmcsrAsItsOwnRegister_vfio_config_do_rw()
    {
        var rig = new VfioRig();
        var pmcBefore = rig.Pdev.Config.Read16(PmCap + PciRegs.PmPmc);

        // 8 bytes at the PM capability: header+PMC (read-only) then PMCSR = D3hot.
        Assert.Equal(8L, rig.ConfigWrite(PmCap, 0xff, 0xff, 0xff, 0xff, 0x03, 0x00, 0x00, 0x00));

        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        Assert.Equal(pmcBefore, rig.Pdev.Config.Read16(PmCap + PciRegs.PmPmc));
        Assert.Equal(PciRegs.CapIdPm, rig.Pdev.Config.Read16(PmCap) & 0xff);

        Assert.Equal(8L, rig.ConfigWrite(PmCap, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x00));
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        rig.AssertNoFatal();
    }

    [Fact]
    public void SplitPmcsrWriteRestoresANoSoftResetMinusFunction_vfio_pci_set_power_state()
    {
        var rig = new VfioRig(new PciFunctionSpec { NoSoftReset = false });
        rig.EnableMemory();
        Assert.Equal(1L, rig.ConfigWrite(0x80, 0x5a));

        // A 4-byte write at PMC's offset: PMC (dropped), then PMCSR = D3hot; then back to D0 the same way.
        Assert.Equal(4L, rig.ConfigWrite(PmCap + PciRegs.PmPmc, 0, 0, 0x03, 0x00));
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        Assert.Equal(4L, rig.ConfigWrite(PmCap + PciRegs.PmPmc, 0, 0, 0x00, 0x00));
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);

        // vfio saved the state before D3hot and restored it after: the function's internal reset is invisible.
        var b = new byte[1];
        rig.Pdev.Config.Read(0x80, b);
        Assert.Equal(0x5a, b[0]);
        rig.AssertNoFatal();
    }

    [Fact]
    public void OtherPmcsrBitsGoThroughTheDefaultWritePathFirst_vfio_pm_config_write()
    {
        var rig = new VfioRig(new PciFunctionSpec { NoSoftReset = false });

        // PMCSR = D3hot | NoSoftRst (read-only in hardware) | PME_En, written as part of a write from PMC.
        Assert.Equal(4L, rig.ConfigWrite(PmCap + PciRegs.PmPmc, 0, 0, 0x03 | 0x08, 0x01));

        var pmcsr = rig.Pdev.Config.Read16(Pmcsr);
        Assert.Equal(PciRegs.PmCtrlPmeEnable, pmcsr & PciRegs.PmCtrlPmeEnable);
        Assert.Equal(0, pmcsr & PciRegs.PmCtrlNoSoftReset);
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        Assert.Equal(3, pmcsr & PciRegs.PmCtrlStateMask);
        rig.AssertNoFatal();
    }

    [Fact]
    public void HighByteOfPmcsrAloneLeavesThePowerState_vfio_pm_config_write()
    {
        var rig = new VfioRig();
        Assert.Equal(1L, rig.ConfigWrite(Pmcsr + 1, 0x01));
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        Assert.Equal(PciRegs.PmCtrlPmeEnable, rig.Pdev.Config.Read16(Pmcsr) & PciRegs.PmCtrlPmeEnable);
    }

    [Fact]
    public void CapabilityHeaderIsReadOnly_vfio_pm_config_write()
    {
        var rig = new VfioRig();
        var before = rig.Pdev.Config.Read16(PmCap + PciRegs.PmPmc);
        Assert.Equal(2L, rig.ConfigWrite(PmCap + PciRegs.PmPmc, 0x00, 0x00));
        Assert.Equal(before, rig.Pdev.Config.Read16(PmCap + PciRegs.PmPmc));
    }
}
