using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>
/// Spec §3.9 (mmap fault behaviour), §1.4 (mmap is disabled between entry and exit and never triggers an exit) and
/// §3.12 (a user D3hot zaps mappings).
/// </summary>
public sealed class MmapTests
{
    private const int Bar0 = VfioUapi.VFIO_PCI_BAR0_REGION_INDEX;

    private static VfioMmap Map(VfioRig rig, int bar = Bar0)
    {
        Assert.Equal(0, rig.File.Mmap(bar, out var map));
        Assert.NotNull(map);
        Assert.False(map!.IsMapped);
        return map;
    }

    [Theory]
    [InlineData(1)] // BAR1 is not implemented in the default function
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(VfioUapi.VFIO_PCI_ROM_REGION_INDEX)]
    [InlineData(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX)]
    [InlineData(VfioUapi.VFIO_PCI_VGA_REGION_INDEX)]
    [InlineData(9)]
    [InlineData(-1)]
    public void MmapOfANonBarOrUnimplementedBarIsEinval(int region)
    {
        var rig = new VfioRig();
        Assert.Equal(-Errno.EINVAL, rig.File.Mmap(region, out var map));
        Assert.Null(map);
        Assert.Equal(0, rig.File.Mmap(2, out var ok)); // control: BAR2 is implemented
        Assert.NotNull(ok);
        rig.AssertNoFatal();
    }

    [Fact]
    public void AccessBeforeMemoryEnableIsSigbus()
    {
        var rig = new VfioRig();
        var map = Map(rig);
        Assert.Equal(MmapAccess.SigBus, map.Read(0, new byte[4]));
        Assert.Equal(MmapAccess.SigBus, map.Write(0, new byte[] { 1 }));
        Assert.Equal(2, map.SigBusCount);
        Assert.False(map.IsMapped);
        rig.AssertNoFatal();
    }

    [Fact]
    public void AfterMemoryEnableAccessWorksAndDataRoundTrips()
    {
        var rig = new VfioRig();
        var map = Map(rig);
        rig.EnableMemory();
        var data = new byte[] { 0xca, 0xfe, 0xba, 0xbe };
        Assert.Equal(MmapAccess.Ok, map.Write(0x40, data));
        Assert.True(map.IsMapped);
        Assert.Equal(1, map.Faults);
        var back = new byte[4];
        Assert.Equal(MmapAccess.Ok, map.Read(0x40, back));
        Assert.Equal(data, back);
        Assert.Equal(1, map.Faults); // still mapped: no second fault
        Assert.Equal(0, map.SigBusCount);

        // The same bytes through read() on the region.
        var viaRead = new byte[4];
        Assert.Equal(4L, rig.File.Read(viaRead, VfioRig.Region(Bar0, 0x40)));
        Assert.Equal(data, viaRead);
        rig.AssertNoFatal();
    }

    [Fact]
    public void LowPowerEntryZapsAndEveryAccessIsSigbusWithoutResumeUntilExit()
    {
        var rig = new VfioRig();
        var map = Map(rig);
        rig.EnableMemory();
        var data = new byte[] { 1, 2, 3, 4 };
        Assert.Equal(MmapAccess.Ok, map.Write(0, data));
        Assert.True(map.IsMapped);

        Assert.Equal(0, rig.Entry());
        Assert.False(map.IsMapped);
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        var mark = rig.TimelineCount;

        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(MmapAccess.SigBus, map.Read(0, new byte[4]));
            Assert.Equal(2 * i - 1, map.SigBusCount);
            Assert.Equal(MmapAccess.SigBus, map.Write(0, data));
            Assert.Equal(2 * i, map.SigBusCount);
        }

        Assert.False(map.IsMapped);
        Assert.Empty(rig.TransitionsSince(mark));
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Usage);
        rig.Settle();
        Assert.Empty(rig.TransitionsSince(mark));
        Assert.True(rig.Vdev.PmRuntimeEngaged);

        Assert.Equal(0, rig.Exit());
        rig.Settle();
        var back = new byte[4];
        Assert.Equal(MmapAccess.Ok, map.Read(0, back));
        Assert.Equal(data, back);
        Assert.True(map.IsMapped);
        Assert.Equal(6, map.SigBusCount);
        rig.AssertNoFatal();
    }

    [Fact]
    public void EntryWhileNotYetSuspendedAlsoFaults()
    {
        // Engaged is enough for SIGBUS even if something keeps the device active (§3.9 step 2).
        var rig = new VfioRig();
        var map = Map(rig);
        rig.EnableMemory();
        Assert.Equal(0, rig.Platform.WritePowerControl(rig.Pdev, "on"));
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(MmapAccess.SigBus, map.Read(0, new byte[4]));
        Assert.Equal(1, map.SigBusCount);
        Assert.Equal(0, rig.Exit());
        Assert.Equal(MmapAccess.Ok, map.Read(0, new byte[4]));
        rig.AssertNoFatal();
    }

    [Fact]
    public void MmapAccessNeverEndsEntryWithWakeup()
    {
        var rig = new VfioRig();
        var map = Map(rig);
        rig.EnableMemory();
        Assert.Equal(MmapAccess.Ok, map.Write(0, new byte[] { 7 }));
        var efd = new EventFd();
        var fd = rig.File.Fds.Install(efd);
        Assert.Equal(0, rig.EntryWithWakeup(fd));
        Assert.False(map.IsMapped);
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        var mark = rig.TimelineCount;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(MmapAccess.SigBus, map.Read(0, new byte[1]));
            Assert.Equal(MmapAccess.SigBus, map.Write(0, new byte[] { 8 }));
        }

        rig.Settle();
        Assert.Equal(6, map.SigBusCount);
        Assert.Equal(0ul, efd.Count);
        Assert.False(efd.Wait(TimeSpan.Zero));
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.True(rig.Vdev.HasWakeEventFd);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Empty(rig.TransitionsSince(mark));

        // Control: any other access wakes it and fires the eventfd once; then mmap works without LOW_POWER_EXIT.
        Assert.Equal(0, rig.GetInfo());
        Assert.Equal(1ul, efd.Count);
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        var back = new byte[1];
        Assert.Equal(MmapAccess.Ok, map.Read(0, back));
        Assert.Equal(7, back[0]);
        rig.AssertNoFatal();
    }

    [Fact]
    public void UserPmcsrD3hotZapsAndFaultsSigbus()
    {
        var rig = new VfioRig();
        var map = Map(rig);
        rig.EnableMemory();
        Assert.Equal(MmapAccess.Ok, map.Write(0, new byte[] { 0x5a }));
        Assert.True(map.IsMapped);

        rig.WritePmcsr(0x03);
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);
        Assert.False(map.IsMapped);
        Assert.Equal(MmapAccess.SigBus, map.Read(0, new byte[1]));
        Assert.Equal(MmapAccess.SigBus, map.Write(0, new byte[] { 1 }));
        Assert.Equal(2, map.SigBusCount);
        rig.AssertNoFatal(); // nothing reached the BAR in D3hot

        rig.WritePmcsr(0x00);
        var back = new byte[1];
        Assert.Equal(MmapAccess.Ok, map.Read(0, back));
        Assert.Equal(0x5a, back[0]);
        rig.AssertNoFatal();
    }

    [Fact]
    public void MemoryDisableByTheUserMakesLaterFaultsSigbus()
    {
        var rig = new VfioRig();
        var map = Map(rig);
        rig.EnableMemory();
        Assert.Equal(MmapAccess.Ok, map.Read(0, new byte[1]));
        Assert.Equal(2L, rig.ConfigWrite(PciRegs.Command, 0x00, 0x00));
        // A mapping faulted after memory was disabled gets SIGBUS (§3.9 step 2, §3.10).
        var fresh = Map(rig);
        Assert.Equal(MmapAccess.SigBus, fresh.Read(0, new byte[1]));
        Assert.Equal(1, fresh.SigBusCount);
        rig.AssertNoFatal();
    }

    [Fact]
    public void UnmapStopsTrackingTheMappingAndLaterAccessIsSigsegv()
    {
        var rig = new VfioRig();
        rig.EnableMemory();
        var kept = Map(rig);
        var gone = Map(rig);
        Assert.Equal(2, rig.Vdev.MmapCount);
        Assert.Equal(MmapAccess.Ok, gone.Read(0, new byte[4]));

        gone.Unmap();
        gone.Unmap(); // idempotent
        Assert.True(gone.IsUnmapped);
        Assert.False(gone.IsMapped);
        Assert.Equal(1, rig.Vdev.MmapCount);
        Assert.Equal(MmapAccess.SigSegv, gone.Read(0, new byte[4]));
        Assert.Equal(MmapAccess.SigSegv, gone.Write(0, new byte[] { 1 }));
        Assert.Equal(1, gone.Faults); // an unmapped address never reaches vfio's fault handler

        // The other mapping is unaffected, and low-power entry still zaps it.
        Assert.Equal(MmapAccess.Ok, kept.Read(0, new byte[4]));
        Assert.Equal(0, rig.Entry());
        Assert.False(kept.IsMapped);
        Assert.Equal(MmapAccess.SigBus, kept.Read(0, new byte[4]));
        rig.AssertNoFatal();
    }
}
