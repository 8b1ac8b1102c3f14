using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Vfio;

namespace VfioPm.Runtime.Tests.Faults;

/// <summary>
/// A runtime resume that fails (spec §4.7): the error is latched, every ioctl and read meets -EIO (§2.2, §3.8), no
/// count moves, and the way back is the one the kernel offers — <c>pm_runtime_set_suspended()</c> or, once the driver
/// has powered the function up itself, <c>pm_runtime_set_active()</c> (§4.11). That the first failure is -EIO with the
/// count unchanged is covered in FeatureIoctlTests and IoctlBracketScenarioTests; this is the rest of the story.
/// </summary>
public sealed class ResumeFailureRecoveryTests
{
    [Fact]
    public void TheErrorStaysLatchedUntilSetSuspendedThenTheDeviceWorksAgainWithCountsIntact()
    {
        var rig = SuspendedWithAFailedResume();

        Assert.Equal(0, rig.Pdev.Power.SetSuspended());
        Assert.Equal(0, rig.Pdev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Port.Power.ChildCount);

        // A real resume now: powered up, the ioctl works, and LOW_POWER_ENTRY (still engaged) lets it go back down.
        Assert.Equal(0, rig.GetInfo());
        Assert.Equal(0, rig.Usage);
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);

        // Balanced to the end: exit re-takes the open reference, close drops it, the device idles again.
        Assert.Equal(0, rig.Exit());
        Assert.Equal(1, rig.Usage);
        rig.File.Close();
        rig.Settle();
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Pdev.Power.UnderflowWarnings);
        rig.AssertNoFatal();
    }

    [Fact]
    public void SetActiveRecoversOnceTheDriverHasPoweredTheFunctionUpUnderAnActiveParent()
    {
        var rig = SuspendedWithAFailedResume();

        // set_active needs an active parent (§4.11 step 6): refused while the port sleeps, and nothing changes.
        Assert.Equal(-Errno.EBUSY, rig.Pdev.Power.SetActive());
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Port.Power.ChildCount);

        // The driver's recovery: wake the port, power the function up itself, then declare it active.
        Assert.Equal(0, rig.Port.Power.ResumeAndGet());
        Assert.Equal(0, rig.Pdev.SetPowerState(PciPowerState.D0));
        Assert.Equal(0, rig.Pdev.Power.SetActive());
        Assert.Equal(0, rig.Pdev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(1, rig.Port.Power.ChildCount);
        rig.Port.Power.Put();

        // The device works, and the user's low-power state (still engaged) takes it down again after the next access.
        Assert.Equal(0, rig.GetInfo());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(0, rig.Port.Power.ChildCount);
        Assert.Equal(0, rig.Exit());
        Assert.Equal(1, rig.Usage);
        Assert.Equal(0, rig.Pdev.Power.UnderflowWarnings);
        rig.AssertNoFatal();
    }

    // Engaged and suspended in D3cold, then one resume fails: latched, -EIO for the user, counts as before.
    private static VfioRig SuspendedWithAFailedResume()
    {
        var rig = new VfioRig(platformD3Cold: true);
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);

        rig.Platform.FailRuntimeCallback(rig.Pdev, RuntimePmCallbackKinds.Resume, -Errno.EIO);
        Assert.Equal(-Errno.EIO, rig.GetInfo());
        Assert.Equal(-Errno.EIO, rig.Pdev.Power.RuntimeError);

        // Latched: the next attempts fail inside the PM core (-EINVAL) without running a callback, still -EIO outside.
        Assert.Equal(-Errno.EIO, rig.GetInfo());
        Assert.Equal(-Errno.EIO, rig.ConfigReadResult());
        Assert.Equal(0, rig.Usage);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        return rig;
    }
}
