using System;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// The lock-free get fast path (RuntimePm.FastPath.cs) gives exactly what the locked <c>rpm_resume(RPM_GET_PUT)</c>
/// gives: it is taken only when the locked path would return 1 and change nothing, and every state in which the locked
/// path has something to do (cancel a request or a plain suspend timer, refuse a disabled or broken device, resume)
/// closes it. Deterministic: manual clock and workqueue.
/// </summary>
public sealed class FastPathTests
{
    private static (PmTestBed Bed, Device Dev, RecordingCallbacks Cb) ActiveDevice()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        return (bed, dev, cb);
    }

    [Fact]
    public void GetsOnAnActiveDeviceWithNothingPending_GoLockFree_WithTheLockedResults()
    {
        var (bed, dev, cb) = ActiveDevice();
        var pm = dev.Power;
        var transitions = bed.Transitions.Count;

        // Nothing has evaluated the gate yet: the first get is locked and opens it.
        Assert.False(pm.FastPathOpen);
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.True(pm.FastPathOpen);

        // The table of spec §4.9 for an Active device: resume_and_get 0, get_sync 1, get 1; each +1.
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Equal(1, pm.GetSync());
        Assert.Equal(1, pm.Get());
        Assert.Equal(4, pm.UsageCount);
        Assert.True(pm.FastPathOpen);

        // Puts above zero: 0, nothing else. The last one reaches zero and queues the idle check.
        Assert.Equal(0, pm.Put());
        Assert.Equal(0, pm.PutAutosuspend());
        Assert.Equal(0, pm.PutSync());
        Assert.True(pm.FastPathOpen);
        Assert.Equal(0, pm.Put());
        Assert.Equal(0, pm.UsageCount);
        Assert.True(pm.RequestPending);
        Assert.False(pm.FastPathOpen);

        Assert.Empty(cb.Calls);
        Assert.Equal(transitions, bed.Transitions.Count);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void AQueuedRequest_ClosesTheGate_AndTheLockedGetCancelsIt()
    {
        var (bed, dev, cb) = ActiveDevice();
        var pm = dev.Power;
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Equal(0, pm.Put()); // idle request queued
        Assert.False(pm.FastPathOpen);

        Assert.Equal(0, pm.ResumeAndGet());
        Assert.False(pm.RequestPending); // cancelled, as rpm_resume() does
        Assert.True(pm.FastPathOpen);
        bed.RunWork();
        Assert.Empty(cb.Calls); // the work item found nothing to do
        Assert.Equal(RpmStatus.Active, pm.Status);
    }

    [Fact]
    public void APlainSuspendTimer_ClosesTheGate_AndAGetCancelsIt()
    {
        var (bed, dev, _) = ActiveDevice();
        var pm = dev.Power;
        Assert.Equal(0, pm.ResumeAndGet());
        pm.PutNoIdle();
        Assert.Equal(0, pm.ScheduleSuspend(100));
        Assert.NotNull(pm.TimerExpires);
        Assert.False(pm.FastPathOpen);

        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Null(pm.TimerExpires);
        bed.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(RpmStatus.Active, pm.Status);
    }

    [Fact]
    public void AnAutosuspendTimer_LeavesTheGateOpen_AndAGetLeavesTheTimer()
    {
        var (bed, dev, _) = ActiveDevice();
        var pm = dev.Power;
        pm.SetAutosuspendDelay(100);
        pm.UseAutosuspend();
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Equal(0, pm.PutAutosuspend()); // count 0, delay not over: the timer is armed
        Assert.NotNull(pm.TimerExpires);

        Assert.Equal(0, pm.ResumeAndGet()); // locked: keeps the autosuspend timer, opens the gate
        Assert.True(pm.FastPathOpen);
        Assert.Equal(1, pm.GetSync()); // lock-free: keeps it too
        Assert.NotNull(pm.TimerExpires);
        pm.PutNoIdle();
        pm.PutNoIdle();

        // The timer fires with the count at 0: the device autosuspends, and the gate is closed.
        bed.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(RpmStatus.Suspended, pm.Status);
        Assert.False(pm.FastPathOpen);
    }

    [Fact]
    public void ASuspend_ClosesTheGate_AndTheNextGetResumes()
    {
        var (_, dev, cb) = ActiveDevice();
        var pm = dev.Power;
        Assert.Equal(0, pm.ResumeAndGet());
        pm.PutNoIdle();
        Assert.True(pm.FastPathOpen);

        Assert.Equal(0, pm.Suspend());
        Assert.False(pm.FastPathOpen);
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Equal(RpmStatus.Active, pm.Status);
        Assert.Equal(new[] { "suspend", "resume" }, cb.Calls);
    }

    [Fact]
    public void AFailedSuspendCheck_LeavesTheGateAsTheStateSays()
    {
        var (_, dev, _) = ActiveDevice();
        var pm = dev.Power;
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.True(pm.FastPathOpen);

        Assert.Equal(-Errno.EAGAIN, pm.Suspend()); // in use: refused, and nothing changed
        Assert.True(pm.FastPathOpen);
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Equal(2, pm.UsageCount);
    }

    [Fact]
    public void DisablingCloses_TheGate_SoADisabledDeviceAnswersAsTheLockedPathDoes()
    {
        var (_, dev, _) = ActiveDevice();
        var pm = dev.Power;
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.True(pm.FastPathOpen);

        pm.Disable();
        Assert.False(pm.FastPathOpen);
        Assert.Equal(0, pm.ResumeAndGet()); // disabled while Active: rpm_resume() returns 1 by last_status
        Assert.False(pm.FastPathOpen);
        Assert.Equal(2, pm.UsageCount);

        pm.PutNoIdle();
        pm.PutNoIdle();
        Assert.Equal(0, pm.SetSuspended());
        Assert.Equal(-Errno.EACCES, pm.ResumeAndGet()); // disabled and Suspended: refused, no reference kept
        Assert.Equal(0, pm.UsageCount);
    }

    [Fact]
    public void ALatchedError_KeepsTheGateClosed()
    {
        var (_, dev, cb) = ActiveDevice();
        var pm = dev.Power;
        cb.OnSuspend = _ => -Errno.EIO; // fatal: latched, the device stays Active
        Assert.Equal(-Errno.EIO, pm.Suspend());
        Assert.Equal(RpmStatus.Active, pm.Status);

        Assert.Equal(-Errno.EINVAL, pm.ResumeAndGet());
        Assert.False(pm.FastPathOpen);
        Assert.Equal(0, pm.UsageCount);
        Assert.Equal(-Errno.EINVAL, pm.GetSync()); // get_sync keeps its reference even so
        Assert.Equal(1, pm.UsageCount);
    }

    [Fact]
    public void APutThatWouldUnderflow_IsRefusedOnTheLockFreePath_Too()
    {
        var (bed, dev, _) = ActiveDevice();
        var pm = dev.Power;
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Equal(0, pm.PutAutosuspend());
        Assert.Equal(0, pm.Put());
        Assert.Equal(-Errno.EINVAL, pm.Put());
        Assert.Equal(0, pm.UsageCount);
        Assert.Equal(1, pm.UnderflowWarnings);
        Assert.Equal(new[] { "dev: Runtime PM usage count underflow!" }, bed.Warnings);
    }
}
