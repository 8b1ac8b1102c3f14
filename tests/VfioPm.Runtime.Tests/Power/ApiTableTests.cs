using System;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// Spec §4.9: every helper of <c>pm_runtime.h</c> with its return value, its usage-count effect and its status
/// effect, on a device with recording callbacks and a manual work queue (nothing asynchronous runs until the test
/// pumps it).
/// </summary>
public sealed class ApiTableTests
{
    // Enabled, Suspended, usage count 0, nothing queued.
    private static (Device Device, RecordingCallbacks Callbacks) Suspended(PmTestBed bed) => bed.Create("dev", enable: true);

    // Enabled, Active, usage count 0, nothing queued, no callback called yet.
    private static (Device Device, RecordingCallbacks Callbacks) ActiveIdle(PmTestBed bed) => bed.Create("dev", enable: true, active: true);

    // ---- resume_and_get ------------------------------------------------------------------------------------

    [Fact]
    public void ResumeAndGet_FromSuspended_ResumesAndTakesOneReference()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);

        Assert.Equal(0, dev.Power.ResumeAndGet());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(1, cb.Resumes);
        Assert.False(dev.Power.RequestPending); // the post-resume idle check is refused: count 1
    }

    [Fact]
    public void ResumeAndGet_AlreadyActive_ReturnsZeroNotOne()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(0, dev.Power.ResumeAndGet());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Resumes);

        Assert.Equal(0, dev.Power.ResumeAndGet());
        Assert.Equal(2, dev.Power.UsageCount);
    }

    [Fact]
    public void ResumeAndGet_CallbackFailure_TakesNoReference()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        cb.OnResume = _ => -Errno.EIO;

        Assert.Equal(-Errno.EIO, dev.Power.ResumeAndGet());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, dev.Power.UnderflowWarnings);
    }

    [Fact]
    public void ResumeAndGet_Disabled_TakesNoReference()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev");

        Assert.Equal(-Errno.EACCES, dev.Power.ResumeAndGet());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(0, cb.Resumes);
    }

    // ---- get_sync ------------------------------------------------------------------------------------------

    [Fact]
    public void GetSync_FromSuspended_ReturnsZero_AlreadyActive_ReturnsOne()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);

        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(1, dev.Power.UsageCount);

        Assert.Equal(1, dev.Power.GetSync());
        Assert.Equal(2, dev.Power.UsageCount);
        Assert.Equal(1, cb.Resumes);
    }

    [Fact]
    public void GetSync_CallbackFailure_KeepsTheReference()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        cb.OnResume = _ => -Errno.EIO;

        Assert.Equal(-Errno.EIO, dev.Power.GetSync());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void GetSync_Disabled_KeepsTheReference()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev");

        Assert.Equal(-Errno.EACCES, dev.Power.GetSync());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(-Errno.EACCES, dev.Power.GetSync());
        Assert.Equal(2, dev.Power.UsageCount);
    }

    // ---- get (async) ---------------------------------------------------------------------------------------

    [Fact]
    public void Get_QueuesTheResume_AndTakesTheReferenceAtOnce()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);

        Assert.Equal(0, dev.Power.Get());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.True(dev.Power.RequestPending);
        Assert.Equal(0, cb.Resumes);

        Assert.Equal(1, bed.RunWork());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(1, cb.Resumes);
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.False(dev.Power.RequestPending);
    }

    [Fact]
    public void Get_AlreadyActive_ReturnsOne_QueuesNothing()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(1, dev.Power.Get());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Equal(0, cb.Resumes);
    }

    // ---- get_noresume / put_noidle -------------------------------------------------------------------------

    [Fact]
    public void GetNoResume_AndPutNoIdle_OnlyMoveTheCount()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        dev.Power.GetNoResume();
        dev.Power.GetNoResume();
        Assert.Equal(2, dev.Power.UsageCount);
        dev.Power.PutNoIdle();
        dev.Power.PutNoIdle();
        Assert.Equal(0, dev.Power.UsageCount);

        // No idle check was run or queued even though the count reached 0 on an active device.
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void GetNoResume_OnSuspendedDevice_DoesNotResume()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);

        dev.Power.GetNoResume();
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, bed.RunWork());
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void PutNoIdle_AtZero_SaturatesSilently()
    {
        var bed = new PmTestBed();
        var (dev, _) = ActiveIdle(bed);

        dev.Power.PutNoIdle();
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.UnderflowWarnings);
        Assert.Empty(bed.Warnings);

        // The next get brings it to exactly 1 (it did not go negative).
        dev.Power.GetNoResume();
        Assert.Equal(1, dev.Power.UsageCount);
    }

    // ---- get_if_active / get_if_in_use ---------------------------------------------------------------------

    [Fact]
    public void GetIfActive_Disabled_ReturnsEinval_EvenWhenStatusIsActive()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", active: true); // Active but runtime PM disabled

        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(-Errno.EINVAL, dev.Power.GetIfActive());
        Assert.Equal(0, dev.Power.UsageCount);
    }

    [Fact]
    public void GetIfActive_NotActive_ReturnsZero_NoReference()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);

        Assert.Equal(0, dev.Power.GetIfActive());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, cb.Resumes);
    }

    [Fact]
    public void GetIfActive_Active_TakesReference_EvenAtCountZero()
    {
        var bed = new PmTestBed();
        var (dev, _) = ActiveIdle(bed);

        Assert.Equal(1, dev.Power.GetIfActive());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(1, dev.Power.GetIfActive());
        Assert.Equal(2, dev.Power.UsageCount);
    }

    [Fact]
    public void GetIfInUse_Disabled_ReturnsEinval()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", active: true);
        dev.Power.GetNoResume();

        Assert.Equal(-Errno.EINVAL, dev.Power.GetIfInUse());
        Assert.Equal(1, dev.Power.UsageCount);
    }

    [Fact]
    public void GetIfInUse_NotActive_ReturnsZero_EvenWithReferences()
    {
        var bed = new PmTestBed();
        var (dev, _) = Suspended(bed);
        dev.Power.GetNoResume();

        Assert.Equal(0, dev.Power.GetIfInUse());
        Assert.Equal(1, dev.Power.UsageCount);
    }

    [Fact]
    public void GetIfInUse_ActiveButCountZero_ReturnsZero()
    {
        var bed = new PmTestBed();
        var (dev, _) = ActiveIdle(bed);

        Assert.Equal(0, dev.Power.GetIfInUse());
        Assert.Equal(0, dev.Power.UsageCount);
    }

    [Fact]
    public void GetIfInUse_ActiveAndInUse_TakesReference()
    {
        var bed = new PmTestBed();
        var (dev, _) = ActiveIdle(bed);
        dev.Power.GetNoResume();

        Assert.Equal(1, dev.Power.GetIfInUse());
        Assert.Equal(2, dev.Power.UsageCount);
    }

    // ---- put / put_sync ------------------------------------------------------------------------------------

    [Fact]
    public void Put_CountStaysAboveZero_ReturnsZero_NoIdle()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(1, dev.Power.GetSync());

        Assert.Equal(0, dev.Power.Put());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Equal(0, cb.Idles);
    }

    [Fact]
    public void PutSync_CountStaysAboveZero_ReturnsZero_NoIdle()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(1, dev.Power.GetSync());

        Assert.Equal(0, dev.Power.PutSync());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Idles);
        Assert.Equal(0, cb.Suspends);
    }

    [Fact]
    public void Put_ReachingZero_QueuesIdle_WorkThenSuspends()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());

        Assert.Equal(0, dev.Power.Put());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.True(dev.Power.RequestPending);
        Assert.Equal(0, cb.Idles);

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);
        Assert.False(dev.Power.RequestPending);
    }

    [Fact]
    public void PutSync_ReachingZero_IdlesAndSuspendsSynchronously()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());

        Assert.Equal(0, dev.Power.PutSync());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);
    }

    [Fact]
    public void PutSync_IdleCallbackRefuses_ReturnsItsCode_StaysActive()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        cb.OnIdle = _ => -Errno.EBUSY;
        Assert.Equal(0, dev.Power.GetSync());

        Assert.Equal(-Errno.EBUSY, dev.Power.PutSync());
        Assert.Equal(0, dev.Power.UsageCount); // dropped whatever the result
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Suspends);
        Assert.Equal(0, dev.Power.RuntimeError); // idle results are never latched
    }

    [Fact]
    public void Put_AlreadySuspended_ReturnsOne()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        dev.Power.GetNoResume();

        Assert.Equal(1, dev.Power.Put()); // 6.18+ (was -EAGAIN)
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void PutSync_AlreadySuspended_ReturnsOne()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        dev.Power.GetNoResume();

        Assert.Equal(1, dev.Power.PutSync());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Empty(cb.Calls);
    }

    // ---- put_autosuspend / put_sync_autosuspend / put_sync_suspend -----------------------------------------

    [Fact]
    public void PutAutosuspend_ReachingZero_QueuesSuspendWithoutIdle_AndMarksLastBusy()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());
        bed.Clock.Advance(TimeSpan.FromMilliseconds(7));

        Assert.Equal(0, dev.Power.PutAutosuspend());
        Assert.Equal(TimeSpan.FromMilliseconds(7), dev.Power.LastBusy); // 6.17+
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status); // async
        Assert.True(dev.Power.RequestPending);

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "suspend" }, cb.Calls); // no idle callback
    }

    [Fact]
    public void PutAutosuspend_CountStaysAboveZero_ReturnsZero()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());
        dev.Power.GetNoResume();

        Assert.Equal(0, dev.Power.PutAutosuspend());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Suspends);
    }

    [Fact]
    public void PutSyncAutosuspend_ReachingZero_SuspendsSynchronouslyWithoutIdle()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());
        bed.Clock.Advance(TimeSpan.FromMilliseconds(3));

        Assert.Equal(0, dev.Power.PutSyncAutosuspend());
        Assert.Equal(TimeSpan.FromMilliseconds(3), dev.Power.LastBusy);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "suspend" }, cb.Calls);
    }

    [Fact]
    public void PutSyncAutosuspend_CountStaysAboveZero_ReturnsZero_StaysActive()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());
        dev.Power.GetNoResume();

        Assert.Equal(0, dev.Power.PutSyncAutosuspend());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Suspends);
    }

    [Fact]
    public void PutSyncAutosuspend_AlreadySuspended_ReturnsOne()
    {
        var bed = new PmTestBed();
        var (dev, _) = Suspended(bed);
        dev.Power.GetNoResume();

        Assert.Equal(1, dev.Power.PutSyncAutosuspend());
        Assert.Equal(0, dev.Power.UsageCount);
    }

    [Fact]
    public void PutSyncSuspend_BypassesTheIdleCallback()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        cb.OnIdle = _ => -Errno.EBUSY; // would stop put_sync(); put_sync_suspend never asks
        Assert.Equal(0, dev.Power.GetSync());

        Assert.Equal(0, dev.Power.PutSyncSuspend());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "suspend" }, cb.Calls);
    }

    [Fact]
    public void PutSyncSuspend_CountStaysAboveZero_ReturnsZero_AlreadySuspended_ReturnsOne()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        dev.Power.GetNoResume();
        dev.Power.GetNoResume();

        Assert.Equal(0, dev.Power.PutSyncSuspend());
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(1, dev.Power.PutSyncSuspend());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Empty(cb.Calls);
    }

    // ---- suspend / resume / idle ---------------------------------------------------------------------------

    [Fact]
    public void Suspend_Active_SuspendsWithoutIdle_AlreadySuspended_ReturnsOne()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(0, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);

        Assert.Equal(1, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(1, cb.Suspends);
        Assert.Equal(0, dev.Power.UsageCount);
    }

    [Fact]
    public void Suspend_InUse_ReturnsEagain()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        dev.Power.GetNoResume();

        Assert.Equal(-Errno.EAGAIN, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Suspends);
    }

    [Fact]
    public void Resume_Active_ReturnsOne()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(1, dev.Power.Resume());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(0, cb.Resumes);
    }

    [Fact]
    public void Resume_Active_CancelsAPendingRequestAndTheSuspendTimer()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(0, dev.Power.RequestIdle());
        Assert.Equal(1, dev.Power.Resume());
        Assert.False(dev.Power.RequestPending);

        Assert.Equal(0, dev.Power.ScheduleSuspend(100));
        Assert.Equal(1, dev.Power.RequestResume());
        Assert.Null(dev.Power.TimerExpires);

        bed.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void Resume_Suspended_ResumesWithoutReference_ThenQueuesIdle()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);

        Assert.Equal(0, dev.Power.Resume());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(1, cb.Resumes);
        Assert.True(dev.Power.RequestPending); // rpm_resume queues an idle check on success

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);
    }

    [Fact]
    public void Idle_ActiveAndUnused_RunsIdleThenSuspends()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(0, dev.Power.Idle());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "idle", "suspend" }, cb.Calls);
    }

    [Fact]
    public void Idle_CallbackNonZero_IsPassedUp_NoSuspend()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        cb.OnIdle = _ => -Errno.EBUSY;

        Assert.Equal(-Errno.EBUSY, dev.Power.Idle());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "idle" }, cb.Calls);
        Assert.Equal(0, dev.Power.RuntimeError);
    }

    [Fact]
    public void Idle_NoIdleCallback_SuspendsDirectly()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        cb.Provides = RuntimePmCallbackKinds.Suspend | RuntimePmCallbackKinds.Resume;

        Assert.Equal(0, dev.Power.Idle());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
    }

    [Fact]
    public void Autosuspend_WithoutAutosuspendInUse_SuspendsAtOnce_AndMarksLastBusy()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        bed.Clock.Advance(TimeSpan.FromMilliseconds(5));

        Assert.Equal(0, dev.Power.Autosuspend());
        Assert.Equal(TimeSpan.FromMilliseconds(5), dev.Power.LastBusy); // 6.17+
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
        Assert.Equal(1, dev.Power.Autosuspend());
    }

    [Fact]
    public void RequestAutosuspend_QueuesASuspend_AndMarksLastBusy()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        bed.Clock.Advance(TimeSpan.FromMilliseconds(5));

        Assert.Equal(0, dev.Power.RequestAutosuspend());
        Assert.Equal(TimeSpan.FromMilliseconds(5), dev.Power.LastBusy);
        Assert.True(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls);

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
        Assert.Equal(1, dev.Power.RequestAutosuspend());
    }

    [Fact]
    public void Autosuspend_InUse_ReturnsEagain()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        dev.Power.GetNoResume();

        Assert.Equal(-Errno.EAGAIN, dev.Power.Autosuspend());
        Assert.Equal(-Errno.EAGAIN, dev.Power.RequestAutosuspend());
        Assert.False(dev.Power.RequestPending);
        Assert.Empty(cb.Calls);
    }

    // ---- request_idle / request_resume / schedule_suspend --------------------------------------------------

    [Fact]
    public void RequestIdle_QueuesOnly_WorkRunsIdleThenSuspend()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(0, dev.Power.RequestIdle());
        Assert.True(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls);

        bed.RunWork();
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "idle", "suspend" }, cb.Calls);
    }

    [Fact]
    public void RequestIdle_InUse_ReturnsEagain_QueuesNothing()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        dev.Power.GetNoResume();

        Assert.Equal(-Errno.EAGAIN, dev.Power.RequestIdle());
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void RequestResume_QueuesOnly_WorkResumes()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);

        Assert.Equal(0, dev.Power.RequestResume());
        Assert.True(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Empty(cb.Calls);

        // One round: the resume runs, and (count 0) queues the post-resume idle check.
        Assert.Equal(1, bed.Queue.RunPending());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "resume" }, cb.Calls);
        Assert.True(dev.Power.RequestPending);

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);
    }

    [Fact]
    public void RequestResume_Active_ReturnsOne_QueuesNothing()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(1, dev.Power.RequestResume());
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void ScheduleSuspend_FiresAfterTheDelay()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(0, dev.Power.ScheduleSuspend(100));
        Assert.Equal(TimeSpan.FromMilliseconds(100), dev.Power.TimerExpires);
        Assert.False(dev.Power.RequestPending); // a timer, not a queued request
        Assert.Equal(RpmStatus.Active, dev.Power.Status);

        bed.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls);

        bed.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls); // suspend, not idle
        Assert.Null(dev.Power.TimerExpires);
    }

    [Fact]
    public void ScheduleSuspend_Zero_QueuesASuspendNow()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);

        Assert.Equal(0, dev.Power.ScheduleSuspend(0));
        Assert.True(dev.Power.RequestPending);
        Assert.Null(dev.Power.TimerExpires);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
    }

    [Fact]
    public void ScheduleSuspend_AlreadySuspended_ReturnsOne_ArmsNothing()
    {
        var bed = new PmTestBed();
        var (dev, _) = Suspended(bed);

        Assert.Equal(1, dev.Power.ScheduleSuspend(50));
        Assert.Null(dev.Power.TimerExpires);
    }

    [Fact]
    public void ScheduleSuspend_InUse_ReturnsEagain_ArmsNothing()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        dev.Power.GetNoResume();

        Assert.Equal(-Errno.EAGAIN, dev.Power.ScheduleSuspend(50));
        Assert.Null(dev.Power.TimerExpires);
        bed.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void ScheduleSuspend_CancelsAPendingRequest()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        Assert.Equal(0, dev.Power.RequestIdle());

        Assert.Equal(0, dev.Power.ScheduleSuspend(100));
        Assert.False(dev.Power.RequestPending);
        bed.RunWork();
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls); // the queued idle found nothing to do

        bed.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
    }

    // ---- scope (resume_and_get + put) ----------------------------------------------------------------------

    [Fact]
    public void Scope_Success_HoldsOneReference_PutsAndQueuesIdleOnExit()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);

        using (var pm = dev.Power.ResumeAndGetScope())
        {
            Assert.Equal(0, pm.Error);
            Assert.True(pm.IsHeld);
            Assert.Equal(1, dev.Power.UsageCount);
            Assert.Equal(RpmStatus.Active, dev.Power.Status);
            Assert.False(dev.Power.RequestPending);
        }

        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status); // async put
        Assert.True(dev.Power.RequestPending);

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void Scope_AlreadyActive_ErrorZero_PutLeavesOuterReference()
    {
        var bed = new PmTestBed();
        var (dev, _) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());

        using (var pm = dev.Power.ResumeAndGetScope())
        {
            Assert.Equal(0, pm.Error);
            Assert.True(pm.IsHeld);
            Assert.Equal(2, dev.Power.UsageCount);
        }

        Assert.Equal(1, dev.Power.UsageCount);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
    }

    [Fact]
    public void Scope_Failure_HoldsNothing_DisposePutsNothing()
    {
        var bed = new PmTestBed();
        var (dev, cb) = Suspended(bed);
        cb.OnResume = _ => -Errno.EIO;

        using (var pm = dev.Power.ResumeAndGetScope())
        {
            Assert.Equal(-Errno.EIO, pm.Error);
            Assert.False(pm.IsHeld);
            Assert.Equal(0, dev.Power.UsageCount);
        }

        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.UnderflowWarnings);
        Assert.Empty(bed.Warnings);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void Scope_FailureWithOtherReferences_DoesNotStealOne()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev"); // disabled: resume fails with -EACCES
        dev.Power.GetNoResume();

        using (var pm = dev.Power.ResumeAndGetScope())
        {
            Assert.Equal(-Errno.EACCES, pm.Error);
            Assert.False(pm.IsHeld);
        }

        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.UnderflowWarnings);
    }

    [Fact]
    public void Scope_DisposeTwice_PutsOnce()
    {
        var bed = new PmTestBed();
        var (dev, _) = Suspended(bed);
        Assert.Equal(0, dev.Power.GetSync());

        var pm = dev.Power.ResumeAndGetScope();
        Assert.Equal(2, dev.Power.UsageCount);
        pm.Dispose();
        Assert.False(pm.IsHeld);
        pm.Dispose();

        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.UnderflowWarnings);
    }
}
