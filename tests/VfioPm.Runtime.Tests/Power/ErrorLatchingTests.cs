using System;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// Spec §4.7 (callback invocation and error latching) with §4.11 (recovery through set_active/set_suspended) and
/// §4.17 (<c>runtime_status</c> reads "error").
/// </summary>
public sealed class ErrorLatchingTests
{
    // Enabled, Active, usage count 0, nothing queued.
    private static (Device Device, RecordingCallbacks Callbacks) ActiveIdle(PmTestBed bed) => bed.Create("dev", enable: true, active: true);

    // Latches -EIO through a failing suspend callback; the device is left Active with the error set.
    private static (Device Device, RecordingCallbacks Callbacks) LatchedBySuspend(PmTestBed bed)
    {
        var (dev, cb) = ActiveIdle(bed);
        cb.OnSuspend = _ => -Errno.EIO;
        Assert.Equal(-Errno.EIO, dev.Power.Suspend());
        cb.OnSuspend = _ => 0;
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);
        return (dev, cb);
    }

    // ---- transient suspend failures ------------------------------------------------------------------------

    [Theory]
    [InlineData(Errno.EAGAIN)]
    [InlineData(Errno.EBUSY)]
    public void SuspendCallback_TransientError_IsReturned_NotLatched(int errno)
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        cb.OnSuspend = _ => -errno;

        Assert.Equal(-errno, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.RuntimeError);
        Assert.Equal("active", dev.Power.RuntimeStatusText);

        // Still fully usable: the next suspend runs the callback again and succeeds.
        cb.OnSuspend = _ => 0;
        Assert.Equal(0, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(2, cb.Suspends);
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
    }

    [Theory]
    [InlineData(Errno.EAGAIN)]
    [InlineData(Errno.EBUSY)]
    public void SuspendCallback_TransientError_FromIdlePath_IsReturned_NotLatched(int errno)
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        dev.Power.GetNoResume();
        cb.OnSuspend = _ => -errno;

        Assert.Equal(-errno, dev.Power.PutSync());
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.RuntimeError);
    }

    // ---- fatal suspend failures ----------------------------------------------------------------------------

    [Theory]
    [InlineData(Errno.EIO)]
    [InlineData(Errno.ENOMEM)]
    [InlineData(Errno.ENODEV)]
    [InlineData(Errno.EINVAL)]
    public void SuspendCallback_OtherError_IsLatched_DeviceStaysActive(int errno)
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        cb.OnSuspend = _ => -errno;

        Assert.Equal(-errno, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(-errno, dev.Power.RuntimeError);
        Assert.Equal("error", dev.Power.RuntimeStatusText);
    }

    [Fact]
    public void LatchedError_EveryIdleSuspendResumePathReturnsEinval_AndRunsNoCallback()
    {
        var bed = new PmTestBed();
        var (dev, cb) = LatchedBySuspend(bed);
        var pm = dev.Power;
        var calls = cb.Calls.Count;

        Assert.Equal(-Errno.EINVAL, pm.Idle());
        Assert.Equal(-Errno.EINVAL, pm.RequestIdle());
        Assert.Equal(-Errno.EINVAL, pm.Suspend());
        Assert.Equal(-Errno.EINVAL, pm.Autosuspend());
        Assert.Equal(-Errno.EINVAL, pm.RequestAutosuspend());
        Assert.Equal(-Errno.EINVAL, pm.ScheduleSuspend(10));
        Assert.Equal(-Errno.EINVAL, pm.ScheduleSuspend(0));
        Assert.Equal(-Errno.EINVAL, pm.Resume());
        Assert.Equal(-Errno.EINVAL, pm.RequestResume());

        Assert.Equal(calls, cb.Calls.Count);
        Assert.False(pm.RequestPending);
        Assert.Null(pm.TimerExpires);
        Assert.Equal(0, bed.RunWork());
        bed.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(RpmStatus.Active, pm.Status);
        Assert.Equal(-Errno.EIO, pm.RuntimeError);
        Assert.Equal(0, pm.UsageCount);
    }

    [Fact]
    public void LatchedError_GetAndPutStillMoveTheCount()
    {
        var bed = new PmTestBed();
        var (dev, cb) = LatchedBySuspend(bed);
        var pm = dev.Power;
        var calls = cb.Calls.Count;

        Assert.Equal(-Errno.EINVAL, pm.GetSync());
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(-Errno.EINVAL, pm.Get());
        Assert.Equal(2, pm.UsageCount);
        Assert.Equal(-Errno.EINVAL, pm.ResumeAndGet());
        Assert.Equal(2, pm.UsageCount); // resume_and_get gives its reference back on error

        Assert.Equal(0, pm.PutSync()); // 2 -> 1: still in use, returns 0 before any check
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(-Errno.EINVAL, pm.Put()); // 1 -> 0: the idle check fails
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(-Errno.EINVAL, pm.GetSync());
        Assert.Equal(-Errno.EINVAL, pm.PutSync());
        Assert.Equal(-Errno.EINVAL, pm.GetSync());
        Assert.Equal(-Errno.EINVAL, pm.PutAutosuspend());
        Assert.Equal(-Errno.EINVAL, pm.GetSync());
        Assert.Equal(-Errno.EINVAL, pm.PutSyncAutosuspend());
        Assert.Equal(-Errno.EINVAL, pm.GetSync());
        Assert.Equal(-Errno.EINVAL, pm.PutSyncSuspend());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(calls, cb.Calls.Count);
        Assert.Equal(0, pm.UnderflowWarnings);
        Assert.Equal(RpmStatus.Active, pm.Status);
        Assert.Equal(-Errno.EIO, pm.RuntimeError);
    }

    [Fact]
    public void LatchedError_GetIfActiveAndGetIfInUse_DoNotLookAtTheError()
    {
        // pm_runtime_get_conditional checks only disable_depth and the status.
        var bed = new PmTestBed();
        var (dev, _) = LatchedBySuspend(bed);

        Assert.Equal(0, dev.Power.GetIfInUse());
        Assert.Equal(1, dev.Power.GetIfActive());
        Assert.Equal(1, dev.Power.GetIfInUse());
        Assert.Equal(2, dev.Power.UsageCount);
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);
    }

    [Fact]
    public void FatalSuspendError_CancelsATimerArmedDuringTheCallback()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        var scheduled = int.MinValue;
        cb.OnSuspend = d =>
        {
            scheduled = d.Power.ScheduleSuspend(100);
            return -Errno.EIO;
        };

        Assert.Equal(-Errno.EIO, dev.Power.Suspend());
        Assert.Equal(0, scheduled); // accepted while Suspending
        Assert.Null(dev.Power.TimerExpires); // cancelled by the fatal failure
        bed.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, cb.Suspends);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);
    }

    [Fact]
    public void AsyncSuspendFailure_LatchesInTheWorker()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        cb.OnSuspend = _ => -Errno.EIO;

        // The async path: the queued suspend fails in the worker and latches the error.
        Assert.Equal(0, dev.Power.ScheduleSuspend(0));
        bed.RunWork();
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(1, cb.Suspends);
    }

    // ---- resume failures -----------------------------------------------------------------------------------

    [Fact]
    public void ResumeCallbackError_IsLatched_StatusStaysSuspended()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.OnResume = _ => -Errno.EIO;

        Assert.Equal(-Errno.EIO, dev.Power.GetSync());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal("error", dev.Power.RuntimeStatusText);

        cb.OnResume = _ => 0;
        Assert.Equal(-Errno.EINVAL, dev.Power.Resume());
        Assert.Equal(-Errno.EINVAL, dev.Power.GetSync());
        Assert.Equal(2, dev.Power.UsageCount);
        Assert.Equal(1, cb.Resumes);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Theory]
    [InlineData(Errno.EAGAIN)]
    [InlineData(Errno.EBUSY)]
    public void ResumeCallback_EvenEagainOrEbusy_IsLatched(int errno)
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.OnResume = _ => -errno;

        Assert.Equal(-errno, dev.Power.Resume());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(-errno, dev.Power.RuntimeError);

        cb.OnResume = _ => 0;
        Assert.Equal(-Errno.EINVAL, dev.Power.Resume());
        Assert.Equal(1, cb.Resumes);
    }

    [Fact]
    public void AsyncResumeFailure_LatchesInTheWorker()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.OnResume = _ => -Errno.ENODEV;

        Assert.Equal(0, dev.Power.Get());
        Assert.Equal(0, dev.Power.RuntimeError);
        bed.RunWork();
        Assert.Equal(-Errno.ENODEV, dev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.False(dev.Power.RequestPending);
    }

    // ---- -EACCES from a callback ---------------------------------------------------------------------------

    [Fact]
    public void SuspendCallbackEacces_ReturnsEio_LatchesEacces()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        cb.OnSuspend = _ => -Errno.EACCES;

        Assert.Equal(-Errno.EIO, dev.Power.Suspend());
        Assert.Equal(-Errno.EACCES, dev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(-Errno.EINVAL, dev.Power.Suspend());
    }

    [Fact]
    public void ResumeCallbackEacces_ReturnsEio_LatchesEacces()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.OnResume = _ => -Errno.EACCES;

        Assert.Equal(-Errno.EIO, dev.Power.ResumeAndGet());
        Assert.Equal(-Errno.EACCES, dev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, dev.Power.UsageCount);
    }

    // ---- throwing callbacks --------------------------------------------------------------------------------

    [Fact]
    public void SuspendCallbackThrows_TreatedAsEio_StatusNotStuckInSuspending()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        var boom = new InvalidOperationException("boom");
        cb.OnSuspend = _ => throw boom;

        Assert.Equal(-Errno.EIO, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);
        Assert.Same(boom, dev.Power.LastCallbackFault);
    }

    [Fact]
    public void ResumeCallbackThrows_TreatedAsEio_StatusNotStuckInResuming()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        var boom = new InvalidOperationException("boom");
        cb.OnResume = _ => throw boom;

        Assert.Null(dev.Power.LastCallbackFault);
        Assert.Equal(-Errno.EIO, dev.Power.GetSync());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);
        Assert.Same(boom, dev.Power.LastCallbackFault);
        Assert.Equal(1, dev.Power.UsageCount);
    }

    [Fact]
    public void IdleCallbackThrows_TreatedAsEio_NotLatched_NoSuspend()
    {
        var bed = new PmTestBed();
        var (dev, cb) = ActiveIdle(bed);
        var boom = new InvalidOperationException("boom");
        cb.OnIdle = _ => throw boom;

        Assert.Equal(-Errno.EIO, dev.Power.Idle());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.RuntimeError); // rpm_idle never latches
        Assert.Same(boom, dev.Power.LastCallbackFault);
        Assert.Equal(0, cb.Suspends);

        // The idle notification is over: the next idle check runs normally.
        cb.OnIdle = _ => 0;
        Assert.Equal(0, dev.Power.Idle());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void ThrowingResumeInTheWorker_DoesNotEscape_AndLatches()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.OnResume = _ => throw new InvalidOperationException("boom");

        Assert.Equal(0, dev.Power.RequestResume());
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(-Errno.EIO, dev.Power.RuntimeError);
        Assert.IsType<InvalidOperationException>(dev.Power.LastCallbackFault);
    }

    // ---- callback lookup -----------------------------------------------------------------------------------

    [Fact]
    public void MissingSuspendAndResumeCallbacks_CountAsSuccess()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.Provides = RuntimePmCallbackKinds.Idle;

        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.PutSync());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "idle" }, cb.Calls);
        Assert.Equal(0, dev.Power.RuntimeError);
    }

    [Fact]
    public void SubsystemWithoutACallback_FallsBackToTheDriver()
    {
        var bed = new PmTestBed();
        var (dev, subsystem) = bed.Create("dev", enable: true);
        subsystem.Provides = RuntimePmCallbackKinds.Suspend;
        var driver = new RecordingCallbacks { OnResume = _ => -Errno.ENXIO };
        dev.Driver = driver;

        Assert.Equal(-Errno.ENXIO, dev.Power.Resume()); // the driver's resume ran and its error latched
        Assert.Equal(-Errno.ENXIO, dev.Power.RuntimeError);
        Assert.Empty(subsystem.Calls);
        Assert.Equal(new[] { "resume" }, driver.Calls);
    }

    [Fact]
    public void SubsystemCallback_HidesTheDrivers()
    {
        var bed = new PmTestBed();
        var (dev, subsystem) = bed.Create("dev", enable: true, active: true);
        var driver = new RecordingCallbacks { OnSuspend = _ => -Errno.EIO };
        dev.Driver = driver;

        Assert.Equal(0, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, subsystem.Calls);
        Assert.Empty(driver.Calls);
    }

    // ---- recovery ------------------------------------------------------------------------------------------

    [Fact]
    public void SetSuspended_ClearsTheError_FromActive()
    {
        var bed = new PmTestBed();
        var (dev, cb) = LatchedBySuspend(bed);

        Assert.Equal(0, dev.Power.SetSuspended());
        Assert.Equal(0, dev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, dev.Power.DisableDepth); // the temporary disable is undone
        Assert.Null(dev.Power.LastStatus);
        Assert.Equal("suspended", dev.Power.RuntimeStatusText);

        // Usable again.
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(1, cb.Resumes);
        Assert.Equal(0, dev.Power.PutSync());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void SetActive_ClearsTheError_FromSuspended()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        cb.OnResume = _ => -Errno.EIO;
        Assert.Equal(-Errno.EIO, dev.Power.GetSync());
        cb.OnResume = _ => 0;

        Assert.Equal(0, dev.Power.SetActive());
        Assert.Equal(0, dev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.DisableDepth);
        Assert.Equal("active", dev.Power.RuntimeStatusText);
        Assert.Equal(1, cb.Resumes); // forced, no callback

        // The reference get_sync kept is still there; dropping it suspends normally.
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.PutSync());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void SetActive_OnLatchedActiveDevice_ClearsTheError()
    {
        var bed = new PmTestBed();
        var (dev, _) = LatchedBySuspend(bed);

        Assert.Equal(0, dev.Power.SetActive()); // status unchanged, error cleared
        Assert.Equal(0, dev.Power.RuntimeError);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.Suspend());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void SetActive_And_SetSuspended_OnEnabledHealthyDevice_ReturnEagain()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);

        Assert.Equal(-Errno.EAGAIN, dev.Power.SetActive());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, dev.Power.DisableDepth);

        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(-Errno.EAGAIN, dev.Power.SetSuspended());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.DisableDepth);
        Assert.Equal(1, cb.Resumes);
        Assert.Equal(0, cb.Suspends);
    }

    [Fact]
    public void RuntimeStatusText_ReadsError_BeforeUnsupported()
    {
        var bed = new PmTestBed();
        var (dev, _) = LatchedBySuspend(bed);

        Assert.Equal("error", dev.Power.RuntimeStatusText);
        dev.Power.Disable();
        Assert.Equal("error", dev.Power.RuntimeStatusText);
        Assert.Equal(0, dev.Power.SetSuspended());
        Assert.Equal("unsupported", dev.Power.RuntimeStatusText);
        Assert.Equal(1, dev.Power.DisableDepth);
    }
}
