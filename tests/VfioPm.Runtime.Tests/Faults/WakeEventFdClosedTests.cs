using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Vfio;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Faults;

/// <summary>
/// The user closes its wake-up eventfd after LOW_POWER_ENTRY_WITH_WAKEUP and before the wake (spec §3.6): the resume
/// still ends low power exactly once (one shot, the open reference re-taken) — the signal simply has nowhere to go,
/// nothing throws and nothing leaks.
/// </summary>
public sealed class WakeEventFdClosedTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheWakeStillEndsLowPowerOnceWithoutASignalOrAnError(bool suspendedFirst)
    {
        var rig = new VfioRig(platformD3Cold: true);
        var efd = new EventFd();
        var fd = rig.File.Fds.Install(efd);
        Assert.Equal(0, rig.EntryWithWakeup(fd));
        if (suspendedFirst)
        {
            rig.Settle();
            Assert.Equal(RpmStatus.Suspended, rig.Status);
        }

        Assert.Equal(0, rig.File.Fds.Close(fd));
        Assert.True(efd.IsClosed);
        Assert.True(rig.Vdev.HasWakeEventFd);
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);

        // The wake: the resume callback signals (dropped: the file is gone) and ends low power.
        Assert.Equal(0, rig.GetInfo());
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        Assert.False(rig.Vdev.HasWakeEventFd);
        Assert.Equal(1, rig.Usage);
        Assert.Equal(0UL, efd.Count);
        Assert.Null(rig.Pdev.Power.LastCallbackFault);

        // One shot: it stays up; EXIT finds nothing to do; close takes it down.
        rig.Settle();
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.Exit());
        Assert.Equal(1, rig.Usage);
        rig.File.Close();
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(0, rig.Pdev.Power.UnderflowWarnings);
        rig.AssertNoFatal();
    }
}
