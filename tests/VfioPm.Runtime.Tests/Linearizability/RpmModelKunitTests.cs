using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Linearizability.Model;

namespace VfioPm.Runtime.Tests.Linearizability;

/// <summary>
/// The reference model against the same KUnit contracts (<c>drivers/base/power/runtime-test.c</c>, 6.19) that
/// Power/KunitConformanceTests.cs holds the runtime to: if the model disagreed with the kernel here, a linearizability
/// check against it would prove nothing. A KUnit device has no parent and no PM callbacks.
/// </summary>
public sealed class RpmModelKunitTests
{
    private static RpmModel NewKunitDevice() => new(hasParent: false, hasCallbacks: false);

    [Fact]
    public void Depth()
    {
        var m = NewKunitDevice();
        m.Enable();
        Assert.Equal(RpmStatus.Suspended, m.Status);

        Assert.Equal(0, m.GetSync());
        Assert.Equal(RpmStatus.Active, m.Status);
        Assert.Equal(1, m.Usage);
        Assert.Equal(1, m.GetSync());
        Assert.Equal(2, m.Usage);

        Assert.Equal(0, m.PutSync());
        Assert.Equal(RpmStatus.Active, m.Status);
        Assert.Equal(0, m.PutSync());
        Assert.Equal(0, m.Usage);
        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.Equal(0, m.Underflows);
    }

    [Fact]
    public void AlreadySuspended()
    {
        var m = NewKunitDevice();
        m.Enable();

        m.GetNoResume();
        m.Barrier();
        Assert.Equal(1, m.Usage);
        Assert.Equal(1, m.Put());
        Assert.Equal(0, m.Usage);

        m.GetNoResume();
        Assert.Equal(1, m.PutSync());

        Assert.Equal(1, m.SuspendNow());
        Assert.Equal(1, m.Autosuspend());
        Assert.Equal(1, m.RequestAutosuspend());

        m.GetNoResume();
        Assert.Equal(1, m.PutSyncAutosuspend());
        m.GetNoResume();
        Assert.Equal(1, m.PutAutosuspend());

        m.GetNoResume();
        m.GetNoResume();
        Assert.Equal(0, m.PutSyncAutosuspend());
        Assert.Equal(1, m.Usage);
        Assert.Equal(1, m.PutSyncAutosuspend());
        Assert.Equal(0, m.Usage);

        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.False(m.Observe().RequestPending);
        Assert.Equal(0, m.RunWork());
        Assert.Equal(0, m.Underflows);
    }

    [Fact]
    public void Idle()
    {
        var m = NewKunitDevice();
        m.Enable();

        Assert.Equal(0, m.GetSync());
        Assert.Equal(-Errno.EAGAIN, m.IdleNow());
        Assert.Equal(RpmStatus.Active, m.Status);

        m.PutNoIdle();
        Assert.Equal(0, m.Usage);
        Assert.Equal(RpmStatus.Active, m.Status);

        Assert.Equal(0, m.IdleNow());
        Assert.Equal(RpmStatus.Suspended, m.Status);

        Assert.Equal(-Errno.EAGAIN, m.IdleNow());
        Assert.Equal(-Errno.EAGAIN, m.RequestIdle());
        Assert.False(m.Observe().RequestPending);
    }

    [Fact]
    public void Disabled()
    {
        var m = NewKunitDevice();
        Assert.Equal(1, m.Depth);

        Assert.Equal(-Errno.EACCES, m.Get());
        Assert.Equal(1, m.Usage);
        Assert.Equal(-Errno.EACCES, m.Put());
        Assert.Equal(0, m.Usage);

        Assert.Equal(-Errno.EACCES, m.GetSync());
        Assert.Equal(-Errno.EACCES, m.PutSync());
        Assert.Equal(-Errno.EACCES, m.Get());
        Assert.Equal(-Errno.EACCES, m.PutAutosuspend());
        Assert.Equal(0, m.Usage);

        Assert.Equal(-Errno.EACCES, m.ResumeAndGet());
        Assert.Equal(0, m.Usage);
        Assert.Equal(-Errno.EACCES, m.IdleNow());
        Assert.Equal(-Errno.EACCES, m.RequestIdle());
        Assert.Equal(-Errno.EACCES, m.RequestResume());
        Assert.Equal(-Errno.EACCES, m.RequestAutosuspend());
        Assert.Equal(-Errno.EACCES, m.SuspendNow());
        Assert.Equal(-Errno.EACCES, m.ResumeNow());
        Assert.Equal(-Errno.EACCES, m.Autosuspend());

        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.Equal(1, m.Depth);
        Assert.False(m.Observe().RequestPending);
    }

    [Fact]
    public void Error()
    {
        var m = NewKunitDevice();
        m.Enable();

        m.HasCallbacks = true;
        m.ResumeCallbackResult = -Errno.EIO;
        Assert.Equal(-Errno.EIO, m.GetSync());
        Assert.Equal(1, m.Usage);
        m.PutNoIdle();
        m.HasCallbacks = false;
        Assert.Equal(-Errno.EIO, m.Error);
        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.Equal(1, m.Resumes);

        Assert.Equal(-Errno.EINVAL, m.Get());
        Assert.Equal(-Errno.EINVAL, m.Put());
        Assert.Equal(-Errno.EINVAL, m.GetSync());
        Assert.Equal(-Errno.EINVAL, m.PutSync());
        Assert.Equal(-Errno.EINVAL, m.Get());
        Assert.Equal(-Errno.EINVAL, m.PutAutosuspend());
        Assert.Equal(-Errno.EINVAL, m.Get());
        Assert.Equal(-Errno.EINVAL, m.PutSyncAutosuspend());
        Assert.Equal(0, m.Usage);
        Assert.Equal(-Errno.EINVAL, m.ResumeAndGet());
        Assert.Equal(-Errno.EINVAL, m.IdleNow());
        Assert.Equal(-Errno.EINVAL, m.RequestIdle());
        Assert.Equal(-Errno.EINVAL, m.RequestResume());
        Assert.Equal(-Errno.EINVAL, m.RequestAutosuspend());
        Assert.Equal(-Errno.EINVAL, m.SuspendNow());
        Assert.Equal(-Errno.EINVAL, m.ResumeNow());
        Assert.Equal(-Errno.EINVAL, m.Autosuspend());
        Assert.Equal(0, m.Usage);
        Assert.Equal(-Errno.EIO, m.Error);

        Assert.Equal(0, m.SetSuspended());
        Assert.Equal(0, m.Error);
        Assert.Equal(RpmStatus.Suspended, m.Status);

        Assert.Equal(0, m.Get());
        Assert.True(m.Observe().RequestPending);
        m.Barrier();
        Assert.Equal(RpmStatus.Active, m.Status);
        Assert.False(m.Observe().RequestPending);
        m.Put();
        m.SuspendNow();
        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.Equal(0, m.Usage);

        Assert.Equal(0, m.GetSync());
        Assert.Equal(0, m.PutSync());
        Assert.Equal(RpmStatus.Suspended, m.Status);

        Assert.Equal(0, m.GetSync());
        m.PutAutosuspend();
        Assert.Equal(0, m.Usage);

        Assert.Equal(0, m.ResumeAndGet());
        Assert.Equal(1, m.Usage);
        Assert.Equal(-Errno.EAGAIN, m.IdleNow());
        Assert.Equal(-Errno.EAGAIN, m.RequestIdle());
        Assert.Equal(1, m.RequestResume());
        Assert.Equal(-Errno.EAGAIN, m.RequestAutosuspend());
        Assert.Equal(-Errno.EAGAIN, m.SuspendNow());
        Assert.Equal(1, m.ResumeNow());
        Assert.Equal(-Errno.EAGAIN, m.Autosuspend());
        Assert.Equal(RpmStatus.Active, m.Status);
        Assert.Equal(1, m.Usage);

        Assert.Equal(0, m.PutSync());
        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.Equal(0, m.Usage);
        Assert.Equal(0, m.Error);
    }

    [Fact]
    public void ProbeActive()
    {
        var m = NewKunitDevice();
        Assert.Equal(0, m.SetActive());
        Assert.Equal(RpmStatus.Active, m.Status);
        m.Enable();
        Assert.Equal(RpmStatus.Active, m.Status);
        m.Barrier();
        Assert.Equal(RpmStatus.Active, m.Status);
        Assert.Equal(0, m.Usage);
        Assert.Equal(0, m.IdleNow());
        Assert.Equal(RpmStatus.Suspended, m.Status);
    }

    // Beyond KUnit, the two rules the concurrent checks lean on most.

    [Fact]
    public void APutThatReachesZeroIsTwoSegmentsAndAGetBetweenThemMakesItsIdleRefuse()
    {
        // §4.9: "the -EAGAIN 'usage counter non-zero' case of put() can only be seen if another actor re-incremented
        // the count between the drop and rpm_idle".
        var m = new RpmModel(hasParent: true, hasCallbacks: true);
        Assert.Equal(0, m.SetActive());
        m.Enable();
        Assert.Equal(1, m.GetSync()); // already active

        var put = new ResultCell();
        using var steps = m.PutSyncSteps(put).GetEnumerator();
        Assert.True(steps.MoveNext()); // the drop: 1 -> 0
        Assert.Equal(0, m.Usage);
        Assert.Equal(1, m.GetSync()); // another caller, in the gap
        while (steps.MoveNext())
        {
        }

        Assert.Equal(-Errno.EAGAIN, put.Value);
        Assert.Equal(RpmStatus.Active, m.Status);
        Assert.Equal(1, m.Usage);
        Assert.Equal(1, m.ParentChildCount);
    }

    [Fact]
    public void AnAsyncResumeDuringASuspendCallbackIsDeferredAndTheSuspendReportsEagain()
    {
        var m = new RpmModel(hasParent: true, hasCallbacks: true);
        Assert.Equal(0, m.SetActive());
        m.Enable();

        var suspend = new ResultCell();
        using var steps = m.SuspendSteps(suspend).GetEnumerator();
        Assert.True(steps.MoveNext()); // Suspending; the callback runs with the lock dropped
        Assert.Equal(RpmStatus.Suspending, m.Status);
        Assert.Equal(0, m.RequestResume()); // deferred_resume
        while (steps.MoveNext())
        {
        }

        Assert.Equal(-Errno.EAGAIN, suspend.Value);
        Assert.Equal(RpmStatus.Active, m.Status);
        Assert.Equal((1, 1), (m.Suspends, m.Resumes));
        Assert.Equal(1, m.ParentChildCount);
    }

    [Fact]
    public void ASuspendCallbackRefusingWithEbusyIsNotFatalButAnyOtherErrorIsLatched()
    {
        // §4.5 fail: -EAGAIN/-EBUSY reset runtime_error; any other error stays latched.
        var m = new RpmModel(hasParent: true, hasCallbacks: true);
        Assert.Equal(0, m.SetActive());
        m.Enable();
        m.SuspendCallbackResult = -Errno.EBUSY;
        Assert.Equal(-Errno.EBUSY, m.SuspendNow());
        Assert.Equal((RpmStatus.Active, 0), (m.Status, m.Error));

        m.SuspendCallbackResult = -Errno.EACCES;
        Assert.Equal(-Errno.EIO, m.SuspendNow()); // rpm_callback returns -EACCES as -EIO, keeps -EACCES latched
        Assert.Equal((RpmStatus.Active, -Errno.EACCES), (m.Status, m.Error));
        Assert.Equal(-Errno.EINVAL, m.ResumeNow());
        Assert.Equal(1, m.ParentChildCount);
    }
}
