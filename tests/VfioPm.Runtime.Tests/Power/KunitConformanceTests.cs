using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// A port of the upstream KUnit suite <c>drivers/base/power/runtime-test.c</c> (cases depth, already_suspended, idle,
/// disabled, error, probe_active), adapted to 6.19: <c>pm_runtime_barrier()</c> returns nothing, so the barrier is
/// still called but its result is no longer checked. A KUnit device has no PM callbacks at all (no subsystem, no
/// driver), so every suspend/resume "succeeds" without calling anything. Usage counts are checked after each step in
/// addition to the upstream assertions.
/// </summary>
public sealed class KunitConformanceTests
{
    // kunit_device_register(): a bare device on a bus without PM ops; runtime PM starts disabled and SUSPENDED.
    private static Device NewKunitDevice(PmTestBed bed) => new("kunit", null, bed.Environment);

    [Fact]
    public void Depth()
    {
        var bed = new PmTestBed();
        var dev = NewKunitDevice(bed);
        var pm = dev.Power;

        pm.Enable();
        Assert.True(pm.IsSuspended);

        Assert.Equal(0, pm.GetSync());
        Assert.True(pm.IsActive);
        Assert.Equal(RpmStatus.Active, pm.Status);
        Assert.Equal(1, pm.UsageCount);

        Assert.Equal(1, pm.GetSync()); // already active
        Assert.Equal(2, pm.UsageCount);

        Assert.Equal(0, pm.PutSync()); // count 2 -> 1: still in use
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(RpmStatus.Active, pm.Status);

        Assert.Equal(0, pm.PutSync()); // count 1 -> 0: idle, no idle callback, suspend
        Assert.Equal(0, pm.UsageCount);
        Assert.True(pm.IsSuspended);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void AlreadySuspended()
    {
        var bed = new PmTestBed();
        var dev = NewKunitDevice(bed);
        var pm = dev.Power;

        pm.Enable();
        Assert.True(pm.IsSuspended);

        pm.GetNoResume();
        pm.Barrier(); // 6.19: void; nothing to wake up
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(1, pm.Put()); // 6.18+: "already suspended"
        Assert.Equal(0, pm.UsageCount);

        pm.GetNoResume();
        Assert.Equal(1, pm.PutSync());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(1, pm.Suspend());
        Assert.Equal(1, pm.Autosuspend());
        Assert.Equal(1, pm.RequestAutosuspend());

        pm.GetNoResume();
        Assert.Equal(1, pm.PutSyncAutosuspend());
        Assert.Equal(0, pm.UsageCount);

        pm.GetNoResume();
        Assert.Equal(1, pm.PutAutosuspend());
        Assert.Equal(0, pm.UsageCount);

        // Two references: the first put sees the count at 1, the second reaches 0 and reports "already suspended".
        pm.GetNoResume();
        pm.GetNoResume();
        Assert.Equal(0, pm.PutSyncAutosuspend());
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(1, pm.PutSyncAutosuspend());
        Assert.Equal(0, pm.UsageCount);

        // Suspended the whole time: no transition at all, nothing queued.
        Assert.True(pm.IsSuspended);
        Assert.Empty(bed.Transitions);
        Assert.Equal(0, bed.RunWork());
        Assert.True(pm.IsSuspended);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void Idle()
    {
        var bed = new PmTestBed();
        var dev = NewKunitDevice(bed);
        var pm = dev.Power;

        pm.Enable();
        Assert.True(pm.IsSuspended);

        Assert.Equal(0, pm.GetSync());
        Assert.True(pm.IsActive);

        Assert.Equal(-Errno.EAGAIN, pm.Idle()); // usage count 1
        Assert.True(pm.IsActive);
        Assert.Equal(RpmStatus.Active, pm.Status);

        pm.PutNoIdle();
        Assert.Equal(0, pm.UsageCount);
        Assert.True(pm.IsActive);
        Assert.Equal(RpmStatus.Active, pm.Status);

        Assert.Equal(0, pm.Idle()); // no idle callback: straight to suspend
        Assert.True(pm.IsSuspended);

        Assert.Equal(-Errno.EAGAIN, pm.Idle()); // not active (no GET_PUT, so not "1")
        Assert.Equal(-Errno.EAGAIN, pm.RequestIdle());
        Assert.False(pm.RequestPending);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void Disabled()
    {
        var bed = new PmTestBed();
        var dev = NewKunitDevice(bed);
        var pm = dev.Power;

        // Never enabled.
        Assert.False(pm.IsEnabled);

        // "Disabled" counts as active.
        Assert.True(pm.IsActive);
        Assert.False(pm.IsSuspended);

        // These fail but still take and drop references: keep them balanced.
        Assert.Equal(-Errno.EACCES, pm.Get());
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(-Errno.EACCES, pm.Put());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(-Errno.EACCES, pm.GetSync());
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(-Errno.EACCES, pm.PutSync());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(-Errno.EACCES, pm.Get());
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(-Errno.EACCES, pm.PutAutosuspend());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(-Errno.EACCES, pm.ResumeAndGet());
        Assert.Equal(0, pm.UsageCount);
        Assert.Equal(-Errno.EACCES, pm.Idle());
        Assert.Equal(-Errno.EACCES, pm.RequestIdle());
        Assert.Equal(-Errno.EACCES, pm.RequestResume());
        Assert.Equal(-Errno.EACCES, pm.RequestAutosuspend());
        Assert.Equal(-Errno.EACCES, pm.Suspend());
        Assert.Equal(-Errno.EACCES, pm.Resume());
        Assert.Equal(-Errno.EACCES, pm.Autosuspend());

        // Still disabled, nothing happened.
        Assert.True(pm.IsActive);
        Assert.False(pm.IsEnabled);
        Assert.Equal(RpmStatus.Suspended, pm.Status);
        Assert.Equal(0, pm.UsageCount);
        Assert.False(pm.RequestPending);
        Assert.Equal(0, bed.RunWork());
        Assert.Empty(bed.Transitions);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void Error()
    {
        var bed = new PmTestBed();
        var dev = NewKunitDevice(bed);
        var pm = dev.Power;

        pm.Enable();
        Assert.True(pm.IsSuspended);

        // KUnit writes runtime_error = -EIO directly. Here a resume callback fails with -EIO to latch it, then the
        // device goes back to having no callbacks and no references.
        var failing = new RecordingCallbacks { OnResume = _ => -Errno.EIO };
        dev.Subsystem = failing;
        Assert.Equal(-Errno.EIO, pm.GetSync());
        Assert.Equal(1, pm.UsageCount); // get_sync keeps its reference on failure
        pm.PutNoIdle();
        dev.Subsystem = null;
        Assert.Equal(0, pm.UsageCount);
        Assert.Equal(-Errno.EIO, pm.RuntimeError);
        Assert.Equal(RpmStatus.Suspended, pm.Status);
        Assert.Equal(1, failing.Resumes);

        // These fail but still take and drop references: keep them balanced.
        Assert.Equal(-Errno.EINVAL, pm.Get());
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(-Errno.EINVAL, pm.Put());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(-Errno.EINVAL, pm.GetSync());
        Assert.Equal(-Errno.EINVAL, pm.PutSync());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(-Errno.EINVAL, pm.Get());
        Assert.Equal(-Errno.EINVAL, pm.PutAutosuspend());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(-Errno.EINVAL, pm.Get());
        Assert.Equal(-Errno.EINVAL, pm.PutSyncAutosuspend());
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(-Errno.EINVAL, pm.ResumeAndGet());
        Assert.Equal(0, pm.UsageCount);
        Assert.Equal(-Errno.EINVAL, pm.Idle());
        Assert.Equal(-Errno.EINVAL, pm.RequestIdle());
        Assert.Equal(-Errno.EINVAL, pm.RequestResume());
        Assert.Equal(-Errno.EINVAL, pm.RequestAutosuspend());
        Assert.Equal(-Errno.EINVAL, pm.Suspend());
        Assert.Equal(-Errno.EINVAL, pm.Resume());
        Assert.Equal(-Errno.EINVAL, pm.Autosuspend());

        // The error is still latched.
        Assert.True(pm.IsSuspended);
        Assert.Equal(-Errno.EIO, pm.RuntimeError);
        Assert.Equal(1, failing.Resumes); // nothing ran a callback since

        // Clear it.
        Assert.Equal(0, pm.SetSuspended());
        Assert.Equal(0, pm.RuntimeError);
        Assert.True(pm.IsSuspended); // still suspended, still enabled

        Assert.Equal(0, pm.Get());
        Assert.True(pm.RequestPending); // resume queued
        pm.Barrier(); // 6.19: void; runs the pending resume
        Assert.Equal(RpmStatus.Active, pm.Status);
        Assert.False(pm.RequestPending);
        pm.Put();
        pm.Suspend(); // flush the put(), to suspend
        Assert.True(pm.IsSuspended);
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(0, pm.GetSync());
        Assert.Equal(0, pm.PutSync());
        Assert.True(pm.IsSuspended);

        Assert.Equal(0, pm.GetSync());
        pm.PutAutosuspend();
        Assert.Equal(0, pm.UsageCount);

        Assert.Equal(0, pm.ResumeAndGet());
        Assert.Equal(1, pm.UsageCount);
        Assert.Equal(RpmStatus.Active, pm.Status);

        // All -EAGAIN (usage count non-zero) or 1 (already active).
        Assert.Equal(-Errno.EAGAIN, pm.Idle());
        Assert.Equal(-Errno.EAGAIN, pm.RequestIdle());
        Assert.Equal(1, pm.RequestResume());
        Assert.Equal(-Errno.EAGAIN, pm.RequestAutosuspend());
        Assert.Equal(-Errno.EAGAIN, pm.Suspend());
        Assert.Equal(1, pm.Resume());
        Assert.Equal(-Errno.EAGAIN, pm.Autosuspend());
        Assert.Equal(RpmStatus.Active, pm.Status);
        Assert.Equal(1, pm.UsageCount);

        Assert.Equal(0, pm.PutSync());

        // Suspended again.
        Assert.True(pm.IsSuspended);
        Assert.Equal(0, pm.UsageCount);
        Assert.Equal(0, pm.RuntimeError);
        Assert.Empty(bed.Warnings);
    }

    [Fact]
    public void ProbeActive()
    {
        var bed = new PmTestBed();
        var dev = NewKunitDevice(bed);
        var pm = dev.Power;

        // A typical probe(): the device marks itself powered but holds no reference, so it suspends once idle.
        Assert.True(pm.IsStatusSuspended);

        Assert.Equal(0, pm.SetActive());
        Assert.True(pm.IsActive);
        Assert.Equal(RpmStatus.Active, pm.Status);

        pm.Enable();
        Assert.True(pm.IsActive);
        Assert.Equal(RpmStatus.Active, pm.Status);

        // Nothing to flush: stays active.
        pm.Barrier();
        Assert.True(pm.IsActive);
        Assert.Equal(RpmStatus.Active, pm.Status);
        Assert.Equal(0, pm.UsageCount);

        // Ask for idle: now it suspends.
        Assert.Equal(0, pm.Idle());
        Assert.True(pm.IsSuspended);
        Assert.Empty(bed.Warnings);
    }
}
