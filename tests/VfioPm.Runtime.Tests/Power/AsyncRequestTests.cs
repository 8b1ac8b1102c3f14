using System;
using System.Threading;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>Spec §4.10 (request ordering on the PM workqueue) and the deferred resume of §4.5/§4.6.</summary>
public sealed class AsyncRequestTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    // An enabled device that is Active with usage count 0 and nothing queued.
    private static (PmTestBed Bed, Device Dev, RecordingCallbacks Cb) ActiveIdleDevice()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.False(dev.Power.RequestPending);
        return (bed, dev, cb);
    }

    // Lets a callback block until the test releases it; a callback never released gives up after the bound and
    // returns -EIO, so nothing hangs.
    private sealed class Gate
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Block()
        {
            Entered.Set();
            return Release.Wait(Bound) ? 0 : -Errno.EIO;
        }
    }

    // A PM call on a dedicated thread (the tests block on it, so it must not borrow a thread-pool thread).
    private sealed class Background
    {
        private readonly Thread _thread;
        private int _result = int.MinValue;
        private Exception? _error;

        public Background(Func<int> call)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    _result = call();
                }
                catch (Exception ex)
                {
                    _error = ex;
                }
            })
            { IsBackground = true };
            _thread.Start();
        }

        public bool IsAlive => _thread.IsAlive;

        public bool IsBlocked => (_thread.ThreadState & ThreadState.WaitSleepJoin) != 0;

        public bool Wait(TimeSpan timeout) => _thread.Join(timeout);

        public int Result
        {
            get
            {
                Assert.False(_thread.IsAlive);
                Assert.Null(_error);
                return _result;
            }
        }
    }

    [Fact]
    public void RequestPendingReflectsTheQueuedRequest()
    {
        var (bed, dev, cb) = ActiveIdleDevice();

        Assert.Equal(0, dev.Power.RequestIdle());
        Assert.True(dev.Power.RequestPending);
        Assert.Equal(1, bed.Queue.PendingCount);
        Assert.Empty(cb.Calls); // nothing runs until the queue is pumped

        Assert.Equal(1, bed.RunWork());
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "idle", "suspend" }, cb.Calls);
    }

    [Fact]
    public void RequestResumeQueuesAResumeForASuspendedDevice()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);

        Assert.Equal(0, dev.Power.RequestResume());
        Assert.True(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Empty(cb.Calls);

        bed.Queue.RunPending();
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "resume" }, cb.Calls);
    }

    [Fact]
    public void NewerSuspendRequestOverwritesAnOlderIdleRequest()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        Assert.Equal(0, dev.Power.RequestIdle());

        Assert.Equal(0, dev.Power.ScheduleSuspend(0));

        Assert.Equal(1, bed.Queue.PendingCount); // one work item per device
        Assert.Equal(1, bed.RunWork());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls); // the idle request was replaced, not run
    }

    [Fact]
    public void ResumeRequestAfterAnIdleRequestWinsAndNoIdleRuns()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        Assert.Equal(0, dev.Power.RequestIdle());

        Assert.Equal(1, dev.Power.RequestResume()); // already active: the pending idle is cancelled

        Assert.False(dev.Power.RequestPending);
        bed.RunWork();
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Idles);
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void PendingResumeRequestBlocksLaterSuspendAndIdle()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(0, dev.Power.RequestResume());

        // A later suspend of any kind is refused while the resume request is pending (check step 5).
        Assert.Equal(-Errno.EAGAIN, dev.Power.ScheduleSuspend(0));
        Assert.Equal(-Errno.EAGAIN, dev.Power.Suspend());
        Assert.Equal(-Errno.EAGAIN, dev.Power.RequestIdle());
        Assert.True(dev.Power.RequestPending);

        Assert.Equal(1, bed.Queue.RunPending()); // the resume request itself, not the idle check it queues
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "resume" }, cb.Calls);
    }

    [Fact]
    public void IdleIsRefusedWhileAHigherRequestIsPending()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        Assert.Equal(0, dev.Power.ScheduleSuspend(0));

        Assert.Equal(-Errno.EAGAIN, dev.Power.RequestIdle());
        Assert.Equal(-Errno.EAGAIN, dev.Power.Idle());
        Assert.Equal(0, cb.Idles);
        Assert.True(dev.Power.RequestPending);

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
    }

    [Fact]
    public void IdleRequestDoesNotDowngradeAPendingSuspendRequest()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        cb.OnIdle = _ => -Errno.EBUSY; // if the idle ran instead of the suspend, nothing would suspend
        Assert.Equal(0, dev.Power.ScheduleSuspend(0));

        Assert.Equal(-Errno.EAGAIN, dev.Power.RequestIdle());

        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, cb.Idles);
    }

    [Fact]
    public void SynchronousResumeCancelsAPendingSuspendRequest()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        Assert.Equal(0, dev.Power.ScheduleSuspend(0));

        Assert.Equal(1, dev.Power.Resume());

        Assert.False(dev.Power.RequestPending);
        bed.RunWork();
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Suspends);
    }

    [Fact]
    public void SynchronousResumeCancelsAScheduledSuspendTimer()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        Assert.Equal(0, dev.Power.ScheduleSuspend(50));
        Assert.Equal(TimeSpan.FromMilliseconds(50), dev.Power.TimerExpires);

        Assert.Equal(1, dev.Power.Resume());

        Assert.Null(dev.Power.TimerExpires);
        bed.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Suspends);
    }

    [Fact]
    public void ScheduledSuspendFiresAtItsTime()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        Assert.Equal(0, dev.Power.ScheduleSuspend(50));

        bed.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        bed.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
        Assert.Null(dev.Power.TimerExpires);
    }

    [Fact]
    public void BarrierRunsAPendingResumeAndLeavesNothingQueued()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(0, dev.Power.RequestResume());

        dev.Power.Barrier();

        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(0, bed.RunWork()); // the work item was cancelled
        Assert.Equal(new[] { "resume" }, cb.Calls);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
    }

    [Fact]
    public void BarrierCancelsAPendingSuspendRequest()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        Assert.Equal(0, dev.Power.ScheduleSuspend(0));

        dev.Power.Barrier();

        Assert.False(dev.Power.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void BarrierCancelsAPendingIdleRequestAndTheTimer()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        Assert.Equal(0, dev.Power.RequestIdle());
        dev.Power.Barrier();
        Assert.False(dev.Power.RequestPending);

        Assert.Equal(0, dev.Power.ScheduleSuspend(100));
        dev.Power.Barrier();
        Assert.Null(dev.Power.TimerExpires);

        bed.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Empty(cb.Calls);
    }

    [Fact]
    public void ResumeRequestDuringSuspendIsDeferredAndTheSuspendReportsEagain()
    {
        var (bed, dev, cb) = ActiveIdleDevice();
        var gate = new Gate();
        var blockOnce = 1;
        cb.OnSuspend = _ => Interlocked.Exchange(ref blockOnce, 0) == 1 ? gate.Block() : 0;

        var suspend = new Background(() => dev.Power.Suspend());
        try
        {
            Assert.True(gate.Entered.Wait(Bound));
            Assert.Equal(RpmStatus.Suspending, dev.Power.Status);

            Assert.Equal(0, dev.Power.RequestResume()); // deferred, not queued
            Assert.False(dev.Power.RequestPending);
            Assert.Equal(0, bed.Queue.PendingCount);

            // The deferred resume blocks any further suspend attempt (check step 5).
            Assert.Equal(-Errno.EAGAIN, dev.Power.Idle());
            Assert.Equal(-Errno.EAGAIN, dev.Power.ScheduleSuspend(0));
        }
        finally
        {
            gate.Release.Set();
        }

        Assert.True(suspend.Wait(Bound));
        Assert.Equal(-Errno.EAGAIN, suspend.Result);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "suspend", "resume" }, cb.Calls);
        Assert.Equal(0, cb.Overlaps);
        Assert.Equal(0, dev.Power.RuntimeError);

        // The resume queued an idle check, which now lets the device go down for real.
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
    }

    [Fact]
    public void AsyncSuspendRequestsDuringASuspendReportEinprogress()
    {
        var (_, dev, cb) = ActiveIdleDevice();
        var gate = new Gate();
        cb.OnSuspend = _ => gate.Block();

        var suspend = new Background(() => dev.Power.Suspend());
        try
        {
            Assert.True(gate.Entered.Wait(Bound));

            Assert.Equal(-Errno.EINPROGRESS, dev.Power.ScheduleSuspend(0));
            Assert.Equal(-Errno.EINPROGRESS, dev.Power.RequestAutosuspend());
            Assert.Equal(-Errno.EAGAIN, dev.Power.RequestIdle()); // rpm_idle: not ACTIVE
        }
        finally
        {
            gate.Release.Set();
        }

        Assert.True(suspend.Wait(Bound));
        Assert.Equal(0, suspend.Result);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
    }

    [Fact]
    public void AsyncResumeDuringAResumeReportsEinprogress()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        var gate = new Gate();
        cb.OnResume = _ => gate.Block();

        var resume = new Background(() => dev.Power.GetSync());
        try
        {
            Assert.True(gate.Entered.Wait(Bound));
            Assert.Equal(RpmStatus.Resuming, dev.Power.Status);

            Assert.Equal(-Errno.EINPROGRESS, dev.Power.RequestResume());
            Assert.False(dev.Power.RequestPending);
        }
        finally
        {
            gate.Release.Set();
        }

        Assert.True(resume.Wait(Bound));
        Assert.Equal(0, resume.Result);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "resume" }, cb.Calls);
    }

    [Fact]
    public void SynchronousSuspendDuringAResumeReportsEagain()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        var gate = new Gate();
        cb.OnResume = _ => gate.Block();

        var resume = new Background(() => dev.Power.Resume());
        int suspendResult;
        try
        {
            Assert.True(gate.Entered.Wait(Bound));
            suspendResult = dev.Power.Suspend();
        }
        finally
        {
            gate.Release.Set();
        }

        Assert.Equal(-Errno.EAGAIN, suspendResult);
        Assert.True(resume.Wait(Bound));
        Assert.Equal(0, resume.Result);
        Assert.Equal(new[] { "resume" }, cb.Calls);
    }

    [Fact]
    public void SynchronousResumeFromAnotherThreadWaitsForTheSuspendThenResumes()
    {
        var (_, dev, cb) = ActiveIdleDevice();
        var gate = new Gate();
        var blockOnce = 1;
        cb.OnSuspend = _ => Interlocked.Exchange(ref blockOnce, 0) == 1 ? gate.Block() : 0;

        var suspend = new Background(() => dev.Power.Suspend());
        Background? resumer = null;
        try
        {
            Assert.True(gate.Entered.Wait(Bound));
            resumer = new Background(() => dev.Power.Resume());

            // Wait (bounded) until the resumer blocks; it must not get past the suspend in flight.
            var deadline = DateTime.UtcNow + Bound;
            var spin = new SpinWait();
            while (!resumer.IsBlocked && resumer.IsAlive && DateTime.UtcNow < deadline)
            {
                spin.SpinOnce();
            }

            Assert.True(resumer.IsAlive, "the resume returned while the suspend callback was still running");
            Assert.Equal(RpmStatus.Suspending, dev.Power.Status);
            Assert.Equal(new[] { "suspend" }, cb.Calls);
        }
        finally
        {
            gate.Release.Set();
        }

        Assert.True(suspend.Wait(Bound));
        Assert.NotNull(resumer);
        Assert.True(resumer!.Wait(Bound));
        Assert.Equal(0, suspend.Result); // a synchronous resume is not a deferred one
        Assert.Equal(0, resumer.Result);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "suspend", "resume" }, cb.Calls);
        Assert.Equal(0, cb.Overlaps);
    }
}
