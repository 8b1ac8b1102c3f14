using System;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// Spec §4.8 (usage-count arithmetic and the underflow refusal of <c>rpm_drop_usage_count</c>) and §4.3 (the order
/// of <c>rpm_check_suspend_allowed</c>: with two conditions true at once, the earlier one decides the result).
/// </summary>
public sealed class UsageCountTests
{
    private const string Underflow = "dev: Runtime PM usage count underflow!";

    private static int CallPut(RuntimePm pm, string put) => put switch
    {
        "Put" => pm.Put(),
        "PutSync" => pm.PutSync(),
        "PutAutosuspend" => pm.PutAutosuspend(),
        "PutSyncAutosuspend" => pm.PutSyncAutosuspend(),
        "PutSyncSuspend" => pm.PutSyncSuspend(),
        _ => throw new ArgumentOutOfRangeException(nameof(put), put, null),
    };

    // ---- underflow -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Put")]
    [InlineData("PutSync")]
    [InlineData("PutAutosuspend")]
    [InlineData("PutSyncAutosuspend")]
    [InlineData("PutSyncSuspend")]
    public void PutAtZero_ReturnsEinval_CountStaysZero_Warns(string put)
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);

        Assert.Equal(-Errno.EINVAL, CallPut(dev.Power, put));
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(1, dev.Power.UnderflowWarnings);
        Assert.Equal(new[] { Underflow }, bed.Warnings);

        // Refused outright: no idle check, no suspend, nothing queued, no error latched.
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Empty(cb.Calls);
        Assert.Equal(0, dev.Power.RuntimeError);

        // The count did not go negative: one get makes it exactly 1.
        dev.Power.GetNoResume();
        Assert.Equal(1, dev.Power.UsageCount);
    }

    [Theory]
    [InlineData("Put")]
    [InlineData("PutSync")]
    [InlineData("PutAutosuspend")]
    public void PutAtZero_OnSuspendedDevice_ReturnsEinval_NotOne(string put)
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);

        Assert.Equal(-Errno.EINVAL, CallPut(dev.Power, put));
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(1, dev.Power.UnderflowWarnings);
    }

    [Theory]
    [InlineData("Put")]
    [InlineData("PutSync")]
    [InlineData("PutAutosuspend")]
    public void PutAtZero_OnDisabledDevice_ReturnsEinval_NotEacces(string put)
    {
        // The GET_PUT prologue drops the count before rpm_idle/rpm_suspend look at disable_depth.
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev");

        Assert.Equal(-Errno.EINVAL, CallPut(dev.Power, put));
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(1, dev.Power.UnderflowWarnings);
        Assert.Contains(Underflow, bed.Warnings);
    }

    [Fact]
    public void EveryUnderflowIsCounted()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);

        dev.Power.GetNoResume();
        Assert.Equal(1, dev.Power.Put()); // balanced: no warning
        Assert.Equal(0, dev.Power.UnderflowWarnings);

        Assert.Equal(-Errno.EINVAL, dev.Power.Put());
        Assert.Equal(-Errno.EINVAL, dev.Power.PutSync());
        Assert.Equal(-Errno.EINVAL, dev.Power.PutAutosuspend());
        Assert.Equal(3, dev.Power.UnderflowWarnings);
        Assert.Equal(new[] { Underflow, Underflow, Underflow }, bed.Warnings);
        Assert.Equal(0, dev.Power.UsageCount);
    }

    [Fact]
    public void PutNoIdleAtZero_IsSilent_NotAnUnderflow()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);

        dev.Power.PutNoIdle();
        dev.Power.PutNoIdle();
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.UnderflowWarnings);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void PutAboveZero_ReturnsZero_EvenWhenDisabledOrInError()
    {
        // n > 0 after the drop: return 0 at once, before any check.
        var bed = new PmTestBed();
        var (disabled, _) = bed.Create("disabled");
        disabled.Power.GetNoResume();
        disabled.Power.GetNoResume();
        Assert.Equal(0, disabled.Power.Put());
        Assert.Equal(1, disabled.Power.UsageCount);
        Assert.Equal(-Errno.EACCES, disabled.Power.Put());
        Assert.Equal(0, disabled.Power.UsageCount);

        var (broken, cb) = bed.Create("broken", enable: true);
        cb.OnResume = _ => -Errno.EIO;
        Assert.Equal(-Errno.EIO, broken.Power.GetSync());
        broken.Power.GetNoResume();
        Assert.Equal(0, broken.Power.PutSync());
        Assert.Equal(1, broken.Power.UsageCount);
        Assert.Equal(-Errno.EINVAL, broken.Power.PutSync());
        Assert.Equal(0, broken.Power.UsageCount);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void GetVariants_CountArithmetic()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        var pm = dev.Power;

        Assert.Equal(0, pm.Get()); // +1, queued
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(0, pm.GetSync()); // +1, runs the resume now
        Assert.Equal(2, pm.UsageCount);
        Assert.Equal(0, pm.ResumeAndGet()); // +1
        Assert.Equal(3, pm.UsageCount);
        pm.GetNoResume(); // +1
        Assert.Equal(4, pm.UsageCount);
        Assert.Equal(1, pm.GetIfActive()); // +1
        Assert.Equal(5, pm.UsageCount);
        Assert.Equal(1, pm.GetIfInUse()); // +1
        Assert.Equal(6, pm.UsageCount);

        Assert.Equal(0, pm.Put());
        Assert.Equal(0, pm.PutSync());
        Assert.Equal(0, pm.PutAutosuspend());
        Assert.Equal(0, pm.PutSyncAutosuspend());
        pm.PutNoIdle();
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(RpmStatus.Active, pm.Status);
        Assert.Equal(0, pm.PutSyncSuspend());
        Assert.Equal(0, pm.UsageCount);
        Assert.Equal(RpmStatus.Suspended, pm.Status);
        Assert.Equal(1, cb.Resumes);
        Assert.Empty(bed.Warnings);
    }

    // ---- rpm_check_suspend_allowed order (§4.3) ------------------------------------------------------------

    [Fact]
    public void Order_ErrorBeforeDisabled()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.OnResume = _ => -Errno.EIO;
        Assert.Equal(-Errno.EIO, dev.Power.GetSync());
        dev.Power.PutNoIdle();
        dev.Power.Disable();
        Assert.Equal(1, dev.Power.DisableDepth);
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);

        Assert.Equal(-Errno.EINVAL, dev.Power.Suspend());
        Assert.Equal(-Errno.EINVAL, dev.Power.Idle());
        Assert.Equal(-Errno.EINVAL, dev.Power.ScheduleSuspend(10));
        Assert.Equal(-Errno.EINVAL, dev.Power.Resume()); // rpm_resume checks the error first too
    }

    [Fact]
    public void Order_DisabledBeforeUsage()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true, active: true);
        dev.Power.Disable();
        dev.Power.GetNoResume();

        Assert.Equal(-Errno.EACCES, dev.Power.Suspend());
        Assert.Equal(-Errno.EACCES, dev.Power.Idle());
        Assert.Equal(-Errno.EACCES, dev.Power.ScheduleSuspend(10));
    }

    [Fact]
    public void Order_DisabledBeforeChildren()
    {
        var bed = new PmTestBed();
        var (parent, _) = bed.Create("parent", active: true);
        var (child, _) = bed.Create("child", parent);
        Assert.Equal(0, child.Power.SetActive()); // parent disabled: allowed, counted
        Assert.Equal(1, parent.Power.ChildCount);

        Assert.Equal(-Errno.EACCES, parent.Power.Suspend());
    }

    [Fact]
    public void Order_UsageBeforeChildren()
    {
        var bed = new PmTestBed();
        var (parent, _) = bed.Create("parent", enable: true);
        var (child, _) = bed.Create("child", parent, enable: true);
        Assert.Equal(0, child.Power.GetSync());
        bed.RunWork();
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.Equal(0, parent.Power.UsageCount);
        Assert.Equal(-Errno.EBUSY, parent.Power.Suspend()); // children alone

        parent.Power.GetNoResume();
        Assert.Equal(-Errno.EAGAIN, parent.Power.Suspend());
        Assert.Equal(-Errno.EAGAIN, parent.Power.Idle());
        Assert.Equal(-Errno.EAGAIN, parent.Power.ScheduleSuspend(10));
        Assert.Equal(RpmStatus.Active, parent.Power.Status);
    }

    [Fact]
    public void Order_ChildrenBeforePendingResume()
    {
        // A Suspended parent that counts an active child (set active while the parent was disabled) and has a resume
        // request queued: both -EBUSY and the pending-resume -EAGAIN apply; -EBUSY wins.
        var bed = new PmTestBed();
        var (parent, pcb) = bed.Create("parent");
        var (child, _) = bed.Create("child", parent);
        Assert.Equal(0, child.Power.SetActive());
        parent.Power.Enable(); // warns: inactive device with active children
        Assert.Equal(RpmStatus.Suspended, parent.Power.Status);
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.Equal(0, parent.Power.RequestResume());
        Assert.True(parent.Power.RequestPending);

        Assert.Equal(-Errno.EBUSY, parent.Power.Suspend());
        Assert.Equal(-Errno.EBUSY, parent.Power.ScheduleSuspend(10));
        Assert.True(parent.Power.RequestPending); // a refused check cancels nothing

        // Without the children condition the pending resume decides.
        parent.Power.IgnoreChildren(true);
        Assert.Equal(-Errno.EAGAIN, parent.Power.Suspend());
        Assert.Empty(pcb.Calls);
    }

    [Fact]
    public void Order_PendingResumeBeforeQos()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(0, dev.Power.RequestResume());
        dev.Power.QosResumeLatency = TimeSpan.Zero;

        Assert.Equal(-Errno.EAGAIN, dev.Power.Suspend());
        Assert.Equal(-Errno.EAGAIN, dev.Power.ScheduleSuspend(10));
        Assert.True(dev.Power.RequestPending);
        Assert.Empty(cb.Calls);

        bed.Queue.RunPending(); // the resume runs; QoS does not block resume
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(-Errno.EPERM, dev.Power.Suspend());
    }

    [Fact]
    public void Order_DeferredResumeWhileSuspendingBeforeQos()
    {
        // The other half of check 5: a resume requested while the suspend callback runs (deferred_resume) blocks any
        // further suspend/idle ahead of the QoS check; when the suspend completes, the deferred resume runs.
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        int requested = int.MinValue, idleInside = int.MinValue;
        cb.OnSuspend = d =>
        {
            requested = d.Power.RequestResume();
            d.Power.QosResumeLatency = TimeSpan.Zero;
            idleInside = d.Power.Idle();
            return 0;
        };

        Assert.Equal(-Errno.EAGAIN, dev.Power.Suspend()); // suspended, then resumed for the deferred request
        Assert.Equal(0, requested);
        Assert.Equal(-Errno.EAGAIN, idleInside);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "suspend", "resume" }, cb.Calls);
        Assert.Equal(-Errno.EPERM, dev.Power.Suspend());
    }

    [Fact]
    public void Order_QosBeforeAlreadySuspended()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(1, dev.Power.Suspend()); // already suspended, no constraint
        dev.Power.QosResumeLatency = TimeSpan.Zero;

        Assert.Equal(-Errno.EPERM, dev.Power.Suspend());
        Assert.Equal(-Errno.EPERM, dev.Power.ScheduleSuspend(10));
        Assert.Equal(-Errno.EPERM, dev.Power.RequestAutosuspend());
        dev.Power.GetNoResume();
        Assert.Equal(-Errno.EPERM, dev.Power.Put()); // not 1
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void Order_ErrorBeforeUsageAndEverythingElse()
    {
        // get_sync failed: error latched, a reference held, and a QoS constraint on top.
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.OnResume = _ => -Errno.EIO;
        Assert.Equal(-Errno.EIO, dev.Power.GetSync());
        dev.Power.QosResumeLatency = TimeSpan.Zero;
        Assert.Equal(1, dev.Power.UsageCount);

        Assert.Equal(-Errno.EINVAL, dev.Power.Suspend());
        Assert.Equal(-Errno.EINVAL, dev.Power.Idle());
    }
}
