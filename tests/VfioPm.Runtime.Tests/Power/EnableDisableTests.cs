using System;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// Spec §4.12 (enable/disable nesting, last_status, disable with a pending resume, allow/forbid), §4.6 (resume of a
/// disabled device), §4.17 (<c>power/control</c> and <c>runtime_status</c>) and the PM QoS check of §4.3.
/// </summary>
public sealed class EnableDisableTests
{
    // ---- nesting -------------------------------------------------------------------------------------------

    [Fact]
    public void NewDevice_IsDisabledAtDepthOne_Suspended()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev");

        Assert.Equal(1, dev.Power.DisableDepth);
        Assert.False(dev.Power.IsEnabled);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Null(dev.Power.LastStatus);
        Assert.True(dev.Power.IsActive); // disabled counts as active
        Assert.False(dev.Power.IsSuspended);
        Assert.True(dev.Power.IsStatusSuspended);
    }

    [Fact]
    public void DisableAndEnable_Nest()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev");
        var pm = dev.Power;

        pm.Disable();
        Assert.Equal(2, pm.DisableDepth);
        pm.Enable();
        Assert.Equal(1, pm.DisableDepth);
        Assert.False(pm.IsEnabled);
        pm.Enable();
        Assert.Equal(0, pm.DisableDepth);
        Assert.True(pm.IsEnabled);

        pm.Disable();
        pm.Disable();
        pm.Disable();
        Assert.Equal(3, pm.DisableDepth);
        pm.Enable();
        pm.Enable();
        Assert.False(pm.IsEnabled);
        pm.Enable();
        Assert.True(pm.IsEnabled);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void Enable_AtDepthZero_WarnsAndStaysZero()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);

        dev.Power.Enable();
        Assert.Equal(0, dev.Power.DisableDepth);
        Assert.Equal(new[] { "dev: Unbalanced pm_runtime_enable!" }, bed.Warnings);

        // It did not go negative: one disable disables.
        dev.Power.Disable();
        Assert.Equal(1, dev.Power.DisableDepth);
        Assert.False(dev.Power.IsEnabled);
    }

    [Fact]
    public void Enable_DoesNotChangeTheStatus()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);

        var (active, _) = bed.Create("active", active: true, enable: true);
        Assert.Equal(RpmStatus.Active, active.Power.Status);
        Assert.Empty(cb.Calls);
        Assert.DoesNotContain(bed.Transitions, t => t.Device == dev);
    }

    // ---- last_status ---------------------------------------------------------------------------------------

    [Fact]
    public void LastStatus_CapturedAtFirstDisable_ResetAtEnable()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);
        var pm = dev.Power;
        Assert.Null(pm.LastStatus);

        pm.Disable(); // captured: Suspended
        Assert.Equal(RpmStatus.Suspended, pm.LastStatus);

        Assert.Equal(0, pm.SetActive()); // allowed while disabled
        Assert.Equal(RpmStatus.Active, pm.Status);
        pm.Disable(); // depth 1 -> 2: not captured again
        Assert.Equal(2, pm.DisableDepth);
        Assert.Equal(RpmStatus.Suspended, pm.LastStatus);

        // Status Active but last_status Suspended: resume still refuses.
        Assert.Equal(-Errno.EACCES, pm.Resume());

        pm.Enable();
        Assert.Equal(RpmStatus.Suspended, pm.LastStatus); // still disabled
        pm.Enable();
        Assert.Null(pm.LastStatus);
        Assert.True(pm.IsEnabled);
    }

    // ---- resume while disabled -----------------------------------------------------------------------------

    [Fact]
    public void Resume_Disabled_ActiveAtDisableTime_ReturnsOne()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        dev.Power.Disable();
        Assert.Equal(RpmStatus.Active, dev.Power.LastStatus);

        Assert.Equal(1, dev.Power.Resume());
        Assert.Equal(1, dev.Power.RequestResume());
        Assert.Equal(1, dev.Power.GetSync());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.ResumeAndGet());
        Assert.Equal(2, dev.Power.UsageCount);
        Assert.Equal(1, dev.Power.Get());
        Assert.Equal(3, dev.Power.UsageCount);
        Assert.False(dev.Power.RequestPending);
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void Resume_Disabled_SuspendedAtDisableTime_ReturnsEacces()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        dev.Power.Disable();

        Assert.Equal(-Errno.EACCES, dev.Power.Resume());
        Assert.Equal(-Errno.EACCES, dev.Power.RequestResume());
        Assert.Equal(-Errno.EACCES, dev.Power.GetSync());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(-Errno.EACCES, dev.Power.ResumeAndGet());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void Resume_NeverEnabled_SetActive_ReturnsEacces()
    {
        // last_status is INVALID until the first real disable, so an Active never-enabled device is not "already active".
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", active: true);

        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Null(dev.Power.LastStatus);
        Assert.Equal(-Errno.EACCES, dev.Power.Resume());
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void SuspendAndIdle_Disabled_ReturnEacces()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        dev.Power.Disable();

        Assert.Equal(-Errno.EACCES, dev.Power.Suspend());
        Assert.Equal(-Errno.EACCES, dev.Power.Idle());
        Assert.Equal(-Errno.EACCES, dev.Power.RequestIdle());
        Assert.Equal(-Errno.EACCES, dev.Power.ScheduleSuspend(10));
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls);
    }

    // ---- disable: pending requests -------------------------------------------------------------------------

    [Fact]
    public void Disable_WithPendingResumeRequest_ResumesFirst()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(0, dev.Power.RequestResume());
        Assert.True(dev.Power.RequestPending);

        dev.Power.Disable();
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(RpmStatus.Active, dev.Power.LastStatus);
        Assert.Equal(1, dev.Power.DisableDepth);
        Assert.Equal(0, dev.Power.UsageCount); // the temporary reference is gone
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(new[] { "resume" }, cb.Calls);

        bed.RunWork();
        Assert.Equal(new[] { "resume" }, cb.Calls);
        Assert.Equal(1, dev.Power.Resume()); // active at disable time
    }

    [Fact]
    public void Disable_WithoutResumeCheck_JustCancelsThePendingResume()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(0, dev.Power.RequestResume());

        dev.Power.Disable(checkResume: false); // __pm_runtime_disable(dev, false)
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(RpmStatus.Suspended, dev.Power.LastStatus);
        Assert.False(dev.Power.RequestPending);
        bed.RunWork();
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void Disable_CancelsAPendingIdleRequest()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        Assert.Equal(0, dev.Power.RequestIdle());

        dev.Power.Disable();
        Assert.False(dev.Power.RequestPending);
        bed.RunWork();
        Assert.Empty(cb.Calls);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
    }

    [Fact]
    public void Disable_CancelsTheSuspendTimer()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        Assert.Equal(0, dev.Power.ScheduleSuspend(100));

        dev.Power.Disable();
        Assert.Null(dev.Power.TimerExpires);
        bed.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Empty(cb.Calls);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
    }

    [Fact]
    public void NestedDisable_DoesNotResumeForAPendingRequest()
    {
        // Only the 0 -> 1 disable looks at pending resumes; at depth > 0 nothing can be pending anyway.
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        dev.Power.Disable();
        dev.Power.Disable();
        Assert.Equal(2, dev.Power.DisableDepth);
        Assert.Equal(RpmStatus.Suspended, dev.Power.LastStatus);
        Assert.Empty(cb.Calls);
    }

    // ---- allow / forbid ------------------------------------------------------------------------------------

    [Fact]
    public void NewDevice_IsAllowed_ControlAuto()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev");

        Assert.True(dev.Power.IsAllowed);
        Assert.Equal("auto", dev.Power.ControlText);
    }

    [Fact]
    public void Forbid_TakesAReference_AndResumesSynchronously()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);

        dev.Power.Forbid();
        Assert.False(dev.Power.IsAllowed);
        Assert.Equal("on", dev.Power.ControlText);
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "resume" }, cb.Calls);
        Assert.False(dev.Power.RequestPending);

        // Repeating is a no-op.
        dev.Power.Forbid();
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(1, cb.Resumes);

        // Forbidden: the device cannot suspend.
        Assert.Equal(-Errno.EAGAIN, dev.Power.Suspend());
    }

    [Fact]
    public void Allow_DropsTheReference_AndQueuesIdle()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        dev.Power.Forbid();

        dev.Power.Allow();
        Assert.True(dev.Power.IsAllowed);
        Assert.Equal("auto", dev.Power.ControlText);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status); // async idle
        Assert.True(dev.Power.RequestPending);

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);

        // Repeating is a no-op: no underflow, nothing queued.
        dev.Power.Allow();
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.UnderflowWarnings);
        Assert.False(dev.Power.RequestPending);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void Allow_WithOtherReferences_DoesNotQueueIdle()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);
        dev.Power.Forbid();
        dev.Power.GetNoResume();

        dev.Power.Allow();
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
    }

    [Fact]
    public void Forbid_OnDisabledDevice_TakesTheReference_StatusUnchanged()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev");

        dev.Power.Forbid();
        Assert.False(dev.Power.IsAllowed);
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status); // resume refused (-EACCES)
        Assert.Empty(cb.Calls);

        // Once enabled the reference still keeps it from suspending; allow releases it.
        dev.Power.Enable();
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(0, dev.Power.PutSync());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        dev.Power.Allow();
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    // ---- power/control writes ------------------------------------------------------------------------------

    [Fact]
    public void WriteControl_OnAndAuto()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);

        Assert.Equal(0, dev.Power.WriteControl("on"));
        Assert.Equal("on", dev.Power.ControlText);
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);

        Assert.Equal(0, dev.Power.WriteControl("on\n"));
        Assert.Equal(1, dev.Power.UsageCount);

        Assert.Equal(0, dev.Power.WriteControl("auto\n"));
        Assert.Equal("auto", dev.Power.ControlText);
        Assert.Equal(0, dev.Power.UsageCount);
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);

        Assert.Equal(0, dev.Power.WriteControl("auto"));
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Empty(bed.Warnings);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("")]
    [InlineData("Auto")]
    [InlineData("ON")]
    [InlineData("autox")]
    [InlineData(" on")]
    public void WriteControl_Other_ReturnsEinval_ChangesNothing(string value)
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);

        Assert.Equal(-Errno.EINVAL, dev.Power.WriteControl(value));
        Assert.True(dev.Power.IsAllowed);
        Assert.Equal("auto", dev.Power.ControlText);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Empty(cb.Calls);

        dev.Power.Forbid();
        Assert.Equal(-Errno.EINVAL, dev.Power.WriteControl(value));
        Assert.Equal("on", dev.Power.ControlText);
        Assert.Equal(1, dev.Power.UsageCount);
    }

    // ---- runtime_status ------------------------------------------------------------------------------------

    [Fact]
    public void RuntimeStatusText_Unsupported_WhileDisabled_WhateverTheStatus()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev");
        Assert.Equal("unsupported", dev.Power.RuntimeStatusText);

        Assert.Equal(0, dev.Power.SetActive());
        Assert.Equal("unsupported", dev.Power.RuntimeStatusText);

        dev.Power.Enable();
        Assert.Equal("active", dev.Power.RuntimeStatusText);
        Assert.Equal(0, dev.Power.Suspend());
        Assert.Equal("suspended", dev.Power.RuntimeStatusText);
        dev.Power.Disable();
        Assert.Equal("unsupported", dev.Power.RuntimeStatusText);
    }

    [Fact]
    public void RuntimeStatusText_TransientStates_SeenFromTheCallbacks()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        string? duringResume = null, duringSuspend = null;
        cb.OnResume = d =>
        {
            duringResume = d.Power.RuntimeStatusText;
            return 0;
        };
        cb.OnSuspend = d =>
        {
            duringSuspend = d.Power.RuntimeStatusText;
            return 0;
        };

        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(0, dev.Power.PutSync());
        Assert.Equal("resuming", duringResume);
        Assert.Equal("suspending", duringSuspend);
        Assert.Equal("suspended", dev.Power.RuntimeStatusText);
    }

    // ---- barrier -------------------------------------------------------------------------------------------

    [Fact]
    public void Barrier_CancelsAPendingIdleAndTheTimer_CountUnchanged()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        Assert.Equal(0, dev.Power.RequestIdle());

        dev.Power.Barrier();
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, dev.Power.UsageCount);
        bed.RunWork();
        Assert.Empty(cb.Calls);

        Assert.Equal(0, dev.Power.ScheduleSuspend(100));
        dev.Power.Barrier();
        Assert.Null(dev.Power.TimerExpires);
        bed.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Empty(cb.Calls);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.True(dev.Power.IsEnabled); // a barrier is not a disable
    }

    [Fact]
    public void Barrier_RunsAPendingResume()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(0, dev.Power.RequestResume());

        dev.Power.Barrier();
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.False(dev.Power.RequestPending); // the post-resume idle was refused: the barrier held a reference
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(new[] { "resume" }, cb.Calls);
        Assert.Equal(0, bed.RunWork());
    }

    // ---- PM QoS resume latency -----------------------------------------------------------------------------

    [Fact]
    public void QosZero_SuspendReturnsEperm_DeviceStaysActive()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        dev.Power.QosResumeLatency = TimeSpan.Zero;

        Assert.Equal(-Errno.EPERM, dev.Power.Suspend());
        Assert.Equal(-Errno.EPERM, dev.Power.Idle());
        Assert.Equal(-Errno.EPERM, dev.Power.RequestIdle());
        Assert.Equal(-Errno.EPERM, dev.Power.ScheduleSuspend(10));
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.RuntimeError);
        Assert.Empty(cb.Calls);

        // Any non-zero constraint, or none, allows suspend again.
        dev.Power.QosResumeLatency = TimeSpan.FromTicks(10);
        Assert.Equal(0, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void QosZero_NoConstraint_Allows()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true, active: true);
        dev.Power.QosResumeLatency = TimeSpan.Zero;
        dev.Power.QosResumeLatency = null;

        Assert.Equal(0, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void QosZero_DoesNotBlockResume()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);
        dev.Power.QosResumeLatency = TimeSpan.Zero;

        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(-Errno.EPERM, dev.Power.PutSync()); // the put's idle check is refused
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
    }

    [Fact]
    public void QosZero_ChildCountCheckedFirst_ReturnsEbusy()
    {
        var bed = new PmTestBed();
        var (parent, pcb) = bed.Create("parent", enable: true);
        var (child, _) = bed.Create("child", parent, enable: true);
        Assert.Equal(0, child.Power.GetSync());
        Assert.Equal(RpmStatus.Active, parent.Power.Status);
        Assert.Equal(1, parent.Power.ChildCount);
        bed.RunWork();
        parent.Power.QosResumeLatency = TimeSpan.Zero;

        Assert.Equal(-Errno.EBUSY, parent.Power.Suspend());

        parent.Power.IgnoreChildren(true);
        Assert.Equal(-Errno.EPERM, parent.Power.Suspend());
        Assert.Equal(RpmStatus.Active, parent.Power.Status);
        Assert.Equal(0, pcb.Suspends);
    }

    [Fact]
    public void QosZero_UsageCountCheckedFirst_ReturnsEagain()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true, active: true);
        dev.Power.QosResumeLatency = TimeSpan.Zero;
        dev.Power.GetNoResume();

        Assert.Equal(-Errno.EAGAIN, dev.Power.Suspend());
    }
}
