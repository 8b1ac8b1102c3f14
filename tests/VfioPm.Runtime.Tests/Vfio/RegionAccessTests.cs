using System;
using System.Linq;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>
/// Spec §3.8 (region read/write), §3.10 (memory enabled), §3.11 (<c>vfio_pci_set_power_state</c>, NoSoftRst- save and
/// restore) and §3.12 (user PMCSR writes and reads).
/// </summary>
public sealed class RegionAccessTests
{
    private const int Bar0 = VfioUapi.VFIO_PCI_BAR0_REGION_INDEX;
    private const int Config = VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX;
    private const int Pmcsr = PciConfigSpace.PmCapOffset + PciRegs.PmCtrl;

    private static VfioRig EngagedAndSuspended(VfioRig? rig = null)
    {
        rig ??= new VfioRig();
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.Usage);
        return rig;
    }

    [Theory]
    [InlineData(Bar0)]
    [InlineData(Config)]
    [InlineData(VfioUapi.VFIO_PCI_ROM_REGION_INDEX)]
    [InlineData(9)]
    [InlineData(1000)]
    public void ZeroLengthAccessIsZeroWithNoPmActivity(int region)
    {
        var rig = EngagedAndSuspended();
        var mark = rig.TimelineCount;
        Assert.Equal(0L, rig.File.Read(Span<byte>.Empty, VfioRig.Region(region)));
        Assert.Equal(0L, rig.File.Write(ReadOnlySpan<byte>.Empty, VfioRig.Region(region)));
        Assert.Empty(rig.TransitionsSince(mark));
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        rig.Settle();
        Assert.Empty(rig.TransitionsSince(mark));
        rig.AssertNoFatal();
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(0x7FFFFF)]
    public void RegionIndexBeyondTheRegionsIsEinvalBeforeAnyPmCall(int region)
    {
        var rig = EngagedAndSuspended();
        var mark = rig.TimelineCount;
        var buf = new byte[4];
        Assert.Equal(-Errno.EINVAL, rig.File.Read(buf, VfioRig.Region(region)));
        Assert.Equal(-Errno.EINVAL, rig.File.Write(buf, VfioRig.Region(region, 0x10)));
        Assert.Empty(rig.TransitionsSince(mark));
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void NegativeFileOffsetIsEinvalBeforeAnyPmCall()
    {
        var rig = EngagedAndSuspended();
        var mark = rig.TimelineCount;
        Assert.Equal(-Errno.EINVAL, rig.File.Read(new byte[4], -1));
        Assert.Equal(-Errno.EINVAL, rig.File.Write(new byte[4], long.MinValue));
        Assert.Empty(rig.TransitionsSince(mark));
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        rig.AssertNoFatal();
    }

    [Fact]
    public void BarAccessWithUserMemoryDisabledIsEio()
    {
        var rig = new VfioRig();
        // A fresh open: the virtual COMMAND register has Memory Space Enable clear.
        Assert.Equal(0, rig.ConfigRead16(PciRegs.Command) & PciRegs.CommandMemory);
        Assert.Equal(-Errno.EIO, rig.File.Read(new byte[4], VfioRig.Region(Bar0)));
        Assert.Equal(-Errno.EIO, rig.File.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(Bar0)));
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void AfterMemoryEnableBarDataRoundTrips()
    {
        var rig = new VfioRig();
        rig.EnableMemory();
        Assert.Equal(PciRegs.CommandMemory, rig.ConfigRead16(PciRegs.Command) & PciRegs.CommandMemory);
        var data = new byte[] { 0xde, 0xad, 0xbe, 0xef };
        Assert.Equal(4L, rig.File.Write(data, VfioRig.Region(Bar0, 0x10)));
        var back = new byte[4];
        Assert.Equal(4L, rig.File.Read(back, VfioRig.Region(Bar0, 0x10)));
        Assert.Equal(data, back);
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void RomWriteIsEinvalAndPutsItsReference()
    {
        var rig = new VfioRig();
        rig.EnableMemory();
        Assert.Equal(-Errno.EINVAL, rig.File.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(VfioUapi.VFIO_PCI_ROM_REGION_INDEX)));
        rig.Settle();
        Assert.Equal(1, rig.Usage);

        // The same on a suspended device: resumed for the access (index 6 < 9), suspended again after.
        EngagedAndSuspended(rig);
        Assert.Equal(-Errno.EINVAL, rig.File.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(VfioUapi.VFIO_PCI_ROM_REGION_INDEX)));
        rig.Settle();
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        rig.AssertNoFatal();
    }

    [Fact]
    public void ReadOnASuspendedDeviceResumesItThenItSuspendsAgain()
    {
        var rig = EngagedAndSuspended();
        var mark = rig.TimelineCount;
        var usageAtD0 = -1;
        rig.Pdev.PowerStateChanged += (d, from, to) =>
        {
            if (to == PciPowerState.D0)
            {
                usageAtD0 = d.Power.UsageCount;
            }
        };

        var buf = new byte[2];
        Assert.Equal(2L, rig.File.Read(buf, VfioRig.Region(Config, PciRegs.VendorId)));
        Assert.Equal(0x10de, buf[0] | (buf[1] << 8));
        Assert.Equal(1, usageAtD0);

        rig.Settle();
        var details = rig.TransitionsSince(mark).Where(e => e.Device == rig.Pdev.Name && e.Kind == TimelineKind.RuntimePm).Select(e => e.Detail).ToArray();
        Assert.Equal(4, details.Length);
        Assert.StartsWith("Suspended → Resuming", details[0], StringComparison.Ordinal);
        Assert.StartsWith("Resuming → Active", details[1], StringComparison.Ordinal);
        Assert.StartsWith("Active → Suspending", details[2], StringComparison.Ordinal);
        Assert.StartsWith("Suspending → Suspended", details[3], StringComparison.Ordinal);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Usage);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        rig.AssertNoFatal();
    }

    [Fact]
    public void BarReadAndWriteWorkWhileEngaged()
    {
        var rig = new VfioRig();
        rig.EnableMemory();
        var data = new byte[] { 0x11, 0x22, 0x33, 0x44 };
        Assert.Equal(4L, rig.File.Write(data, VfioRig.Region(Bar0, 0x20)));
        EngagedAndSuspended(rig);

        var back = new byte[4];
        Assert.Equal(4L, rig.File.Read(back, VfioRig.Region(Bar0, 0x20)));
        Assert.Equal(data, back);
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);

        var more = new byte[] { 0x55, 0x66 };
        Assert.Equal(2L, rig.File.Write(more, VfioRig.Region(Bar0, 0x30)));
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(2L, rig.File.Read(back.AsSpan(0, 2), VfioRig.Region(Bar0, 0x30)));
        Assert.Equal(more, back.AsSpan(0, 2).ToArray());
        rig.Settle();
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        rig.AssertNoFatal();
    }

    [Fact]
    public void ResumeFailureIsEioAndTakesNoReference()
    {
        var rig = EngagedAndSuspended();
        rig.Pdev.Power.Disable();
        Assert.Equal(-Errno.EIO, rig.File.Read(new byte[2], VfioRig.Region(Config)));
        Assert.Equal(-Errno.EIO, rig.File.Write(new byte[] { 2, 0 }, VfioRig.Region(Config, PciRegs.Command)));
        Assert.Equal(0, rig.Usage);
        rig.Pdev.Power.Enable();
        rig.Settle();
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        // The failed write did not reach the virtual COMMAND register.
        Assert.Equal(0, rig.ConfigRead16(PciRegs.Command) & PciRegs.CommandMemory);
        rig.AssertNoFatal();
    }

    [Fact]
    public void UserPmcsrD3hotDisablesBarAccessAndD0EnablesItAgain()
    {
        var rig = new VfioRig();
        rig.EnableMemory();
        var data = new byte[] { 9, 8, 7, 6 };
        Assert.Equal(4L, rig.File.Write(data, VfioRig.Region(Bar0)));

        rig.WritePmcsr(0x03);
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        Assert.Equal(3, rig.ConfigRead16(Pmcsr) & PciRegs.PmCtrlStateMask);
        Assert.Equal(-Errno.EIO, rig.File.Read(new byte[4], VfioRig.Region(Bar0)));
        Assert.Equal(-Errno.EIO, rig.File.Write(data, VfioRig.Region(Bar0)));
        rig.AssertNoFatal();
        // User D3hot is not runtime suspend: vfio still holds the open reference.
        rig.Settle();
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(1, rig.Usage);

        rig.WritePmcsr(0x00);
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        var back = new byte[4];
        Assert.Equal(4L, rig.File.Read(back, VfioRig.Region(Bar0)));
        Assert.Equal(data, back); // No_Soft_Reset+: state kept across D3hot
        rig.AssertNoFatal();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void UserD1OrD2OnAFunctionWithoutThemIsIgnoredAndTheBarsStayUsable(byte state)
    {
        // Found by the fuzzer: the function (PMC without D1/D2 support) went to D1, where vfio's memory-enable predicate
        // (current_state < D3hot, spec §3.10) still let a BAR write through. pci_set_power_state() refuses a state the
        // PM capability does not offer; vfio ignores the result of a user PMCSR write (§3.12).
        var rig = new VfioRig();
        rig.EnableMemory();
        rig.WritePmcsr(state);
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.ConfigRead16(Pmcsr) & PciRegs.PmCtrlStateMask);
        Assert.Equal(4L, rig.File.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(VfioUapi.VFIO_PCI_BAR2_REGION_INDEX, 0x10)));
        Assert.Equal(-Errno.EIO, rig.Pdev.SetPowerState((PciPowerState)state));
        rig.AssertNoFatal();
    }

    [Fact]
    public void AFunctionThatOffersD1AndD2CanBePutThere()
    {
        var rig = new VfioRig(new PciFunctionSpec { D1Support = true, D2Support = true });
        Assert.Equal(0x0600, rig.Pdev.Config.Read16(PciConfigSpace.PmCapOffset + PciRegs.PmPmc) & 0x0600);
        rig.WritePmcsr(1);
        Assert.Equal(PciPowerState.D1, rig.Pdev.CurrentState);
        rig.WritePmcsr(2);
        Assert.Equal(PciPowerState.D2, rig.Pdev.CurrentState);
        rig.WritePmcsr(0);
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        rig.AssertNoFatal();
    }

    [Fact]
    public void PmcsrWriteStartingOneByteEarlyIsSplitAndChangesPowerState_vfio_config_do_rw()
    {
        var rig = new VfioRig();
        // vfio_config_do_rw() cuts the 2-byte write at 0x43 into 0x43 (PMC, read-only) and 0x44 (PMCSR): the PMCSR
        // part is a write that starts at PMCSR, so it changes the power state (the spec's §3.12 said it did not).
        Assert.Equal(2L, rig.ConfigWrite(Pmcsr - 1, 0x00, 0x03));
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        rig.AssertNoFatal();
    }

    [Fact]
    public void NoSoftResetFunctionNeedsPmRestore()
    {
        var plain = new VfioRig(open: false);
        var noSoftRst = new VfioRig(new PciFunctionSpec { NoSoftReset = false }, open: false);
        Assert.False(plain.Vdev.NeedsPmRestore);
        Assert.True(noSoftRst.Vdev.NeedsPmRestore);
        plain.AssertNoFatal();
        noSoftRst.AssertNoFatal();
    }

    [Fact]
    public void NoSoftResetFunctionGetsItsConfigBackAfterUserD3hotToD0()
    {
        var rig = new VfioRig(new PciFunctionSpec { NoSoftReset = false });
        Assert.True(rig.Vdev.NeedsPmRestore);
        rig.EnableMemory();
        Assert.Equal(PciRegs.CommandMemory, rig.Pdev.Config.Read16(PciRegs.Command) & PciRegs.CommandMemory);
        // A capability-space register the user set (passes through to the device).
        Assert.Equal(1L, rig.ConfigWrite(0x80, 0xa5));
        Assert.Equal(0xa5, rig.Pdev.Config.Read16(0x80) & 0xff);

        rig.WritePmcsr(0x03);
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        rig.WritePmcsr(0x00);
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);

        // pm_save restored: physical COMMAND memory enable and the user's register are back.
        Assert.Equal(PciRegs.CommandMemory, rig.Pdev.Config.Read16(PciRegs.Command) & PciRegs.CommandMemory);
        Assert.Equal(PciRegs.CommandMemory, rig.ConfigRead16(PciRegs.Command) & PciRegs.CommandMemory);
        Assert.Equal(0xa5, rig.ConfigRead16(0x80) & 0xff);
        Assert.Equal(0, rig.ConfigRead16(Pmcsr) & PciRegs.PmCtrlStateMask);

        // And the BAR decodes again (a lost COMMAND would read all-ones).
        var data = new byte[] { 1, 2, 3, 4 };
        Assert.Equal(4L, rig.File.Write(data, VfioRig.Region(Bar0)));
        var back = new byte[4];
        Assert.Equal(4L, rig.File.Read(back, VfioRig.Region(Bar0)));
        Assert.Equal(data, back);
        rig.AssertNoFatal();
    }

    [Fact]
    public void UserReadsD0InPmcsrAfterARuntimeSuspendResumeCycle()
    {
        var rig = new VfioRig();
        rig.WritePmcsr(0x03);
        Assert.Equal(3, rig.ConfigRead16(Pmcsr) & PciRegs.PmCtrlStateMask);

        EngagedAndSuspended(rig);
        Assert.Equal(0, rig.ConfigRead16(Pmcsr) & PciRegs.PmCtrlStateMask);
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);

        Assert.Equal(0, rig.Exit());
        rig.Settle();
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.ConfigRead16(Pmcsr) & PciRegs.PmCtrlStateMask);
        rig.AssertNoFatal();
    }
}
