using System;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>Spec §4.13 (autosuspend) and the suspend timer of §4.10, on the manual clock.</summary>
public sealed class AutosuspendTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    // An enabled, suspended device using autosuspend with a 100 ms delay; the clock reads 1 s.
    private static (PmTestBed Bed, Device Dev, RecordingCallbacks Cb) AutosuspendDevice()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        dev.Power.UseAutosuspend();
        dev.Power.SetAutosuspendDelay(100);
        bed.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Empty(cb.Calls);
        return (bed, dev, cb);
    }

    [Fact]
    public void PutAutosuspendArmsTheTimerAtLastBusyPlusTheDelay()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        Assert.Equal(0, dev.Power.GetSync());

        Assert.Equal(0, dev.Power.PutAutosuspend());

        Assert.Equal(TimeSpan.FromSeconds(1), dev.Power.LastBusy);
        Assert.Equal(dev.Power.LastBusy + (100 * Ms), dev.Power.TimerExpires);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.False(dev.Power.RequestPending);

        bed.Advance(99 * Ms);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Suspends);

        bed.Advance(1 * Ms);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "suspend" }, cb.Calls);
        Assert.Null(dev.Power.TimerExpires);
    }

    [Fact]
    public void MarkLastBusyInBetweenPushesTheSuspendOut()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(0, dev.Power.PutAutosuspend());
        var firstExpiry = dev.Power.TimerExpires;

        bed.Advance(50 * Ms);
        dev.Power.MarkLastBusy();
        Assert.Equal(firstExpiry, dev.Power.TimerExpires); // not re-armed yet

        bed.Advance(50 * Ms); // the old expiry: the timer finds the new deadline and re-arms
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(1150), dev.Power.TimerExpires);
        Assert.Equal(0, cb.Suspends);

        bed.Advance(49 * Ms);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);

        bed.Advance(1 * Ms);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(1, cb.Suspends);
    }

    [Fact]
    public void GetAndPutWithinTheDelayKeepTheArmedTimerAndSuspendLater()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(0, dev.Power.PutAutosuspend());

        bed.Advance(50 * Ms);
        Assert.Equal(1, dev.Power.GetSync()); // a resume keeps a running autosuspend timer
        Assert.Equal(TimeSpan.FromMilliseconds(1100), dev.Power.TimerExpires);
        Assert.Equal(0, dev.Power.PutAutosuspend()); // earlier timer left alone
        Assert.Equal(TimeSpan.FromMilliseconds(1100), dev.Power.TimerExpires);

        bed.Advance(50 * Ms);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(1150), dev.Power.TimerExpires);

        bed.Advance(50 * Ms);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "suspend" }, cb.Calls);
    }

    [Fact]
    public void TimerFiringWhileInUseDoesNotSuspend()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(0, dev.Power.PutAutosuspend());
        dev.Power.GetNoResume();

        bed.Advance(200 * Ms);

        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, cb.Suspends);
        Assert.Null(dev.Power.TimerExpires);
    }

    [Fact]
    public void NegativeDelayHoldsAReferenceAndResumes()
    {
        var (bed, dev, cb) = AutosuspendDevice();

        dev.Power.SetAutosuspendDelay(-1);

        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "resume" }, cb.Calls);
        Assert.Equal(TimeSpan.FromSeconds(1), dev.Power.LastBusy); // a resume marks the device busy
        Assert.Equal(-Errno.EAGAIN, dev.Power.Suspend());

        dev.Power.SetAutosuspendDelay(-5); // still negative: no second reference
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Null(dev.Power.AutosuspendExpiration);

        dev.Power.SetAutosuspendDelay(100);

        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(dev.Power.LastBusy + (100 * Ms), dev.Power.TimerExpires);

        bed.Advance(100 * Ms);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);
    }

    [Fact]
    public void LeavingAutosuspendWithANegativeDelayDropsTheReferenceAndSuspends()
    {
        var (_, dev, cb) = AutosuspendDevice();
        dev.Power.SetAutosuspendDelay(-1);
        Assert.Equal(1, dev.Power.UsageCount);

        dev.Power.DontUseAutosuspend();

        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);
    }

    [Fact]
    public void NegativeDelayTakesEffectOnlyOnceAutosuspendIsUsed()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);

        dev.Power.SetAutosuspendDelay(-1);
        Assert.Equal(0, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);

        dev.Power.UseAutosuspend();
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(new[] { "resume" }, cb.Calls);
    }

    [Fact]
    public void BusySuspendCallbackAfterLastBusyMovedReArmsTheTimer()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        var first = true;
        cb.OnSuspend = d =>
        {
            if (!first)
            {
                return 0;
            }

            first = false;
            d.Power.MarkLastBusy(); // the device saw activity while suspending
            return -Errno.EBUSY;
        };
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(0, dev.Power.PutAutosuspend());

        bed.Advance(100 * Ms);

        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.RuntimeError);
        Assert.Equal(TimeSpan.FromMilliseconds(1100), dev.Power.LastBusy);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), dev.Power.TimerExpires);
        Assert.Equal(1, cb.Suspends);

        bed.Advance(100 * Ms);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(2, cb.Suspends);
    }

    [Fact]
    public void SynchronousIdleWhoseSuspendIsReArmedAfterABusyCallbackReturnsZero()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        Assert.Equal(0, dev.Power.GetSync());
        dev.Power.PutNoIdle();
        bed.Advance(200 * Ms); // the delay since the resume (last_busy = 1 s) has passed
        var first = true;
        cb.OnSuspend = d =>
        {
            if (!first)
            {
                return 0;
            }

            first = false;
            d.Power.MarkLastBusy();
            return -Errno.EBUSY;
        };

        // idle → suspend(RPM_AUTO) runs the callback at once; "busy" with new activity re-arms instead of failing.
        Assert.Equal(0, dev.Power.Idle());

        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.RuntimeError);
        Assert.Equal(TimeSpan.FromMilliseconds(1300), dev.Power.TimerExpires);
        bed.Advance(100 * Ms);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend", "suspend" }, cb.Calls);
    }

    [Fact]
    public void BusySuspendCallbackWithoutNewActivityIsNotReArmed()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        cb.OnSuspend = _ => -Errno.EBUSY;
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(0, dev.Power.PutAutosuspend());

        bed.Advance(100 * Ms);

        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(0, dev.Power.RuntimeError);
        Assert.Null(dev.Power.TimerExpires);
        Assert.False(dev.Power.RequestPending);
        bed.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, cb.Suspends);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
    }

    [Fact]
    public void WithoutAutosuspendPutAutosuspendQueuesASuspendRightAway()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        Assert.Equal(0, dev.Power.GetSync());
        dev.Power.DontUseAutosuspend();
        Assert.Equal(RpmStatus.Active, dev.Power.Status);

        Assert.Equal(0, dev.Power.PutAutosuspend());

        Assert.Null(dev.Power.TimerExpires);
        Assert.True(dev.Power.RequestPending);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);

        bed.RunWork(); // no clock movement
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "suspend" }, cb.Calls);
    }

    [Fact]
    public void AutosuspendMarksLastBusyBeforeSuspending()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true, active: true);
        dev.Power.GetNoResume();
        dev.Power.SetAutosuspendDelay(100);
        dev.Power.UseAutosuspend();
        bed.Advance(TimeSpan.FromSeconds(1));
        dev.Power.PutNoIdle();

        Assert.Equal(0, dev.Power.Autosuspend()); // 6.17+: last_busy = now, so the delay starts over

        Assert.Equal(TimeSpan.FromSeconds(1), dev.Power.LastBusy);
        Assert.Equal(TimeSpan.FromMilliseconds(1100), dev.Power.TimerExpires);
        Assert.Equal(RpmStatus.Active, dev.Power.Status);

        bed.Advance(100 * Ms);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "suspend" }, cb.Calls);
    }

    [Fact]
    public void PutSyncAutosuspendWithinTheDelayArmsTheTimer()
    {
        var (bed, dev, cb) = AutosuspendDevice();
        Assert.Equal(0, dev.Power.GetSync());

        Assert.Equal(0, dev.Power.PutSyncAutosuspend());

        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(1100), dev.Power.TimerExpires);
        bed.Advance(100 * Ms);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "suspend" }, cb.Calls);
    }

    [Fact]
    public void AutosuspendExpirationReadout()
    {
        var bed = new PmTestBed();
        var (dev, _) = bed.Create("dev", enable: true);
        bed.Advance(TimeSpan.FromSeconds(1));
        dev.Power.SetAutosuspendDelay(100);
        dev.Power.MarkLastBusy();
        Assert.Null(dev.Power.AutosuspendExpiration); // autosuspend not in use

        dev.Power.UseAutosuspend();
        Assert.Equal(TimeSpan.FromMilliseconds(1100), dev.Power.AutosuspendExpiration);

        bed.Clock.Advance(99 * Ms);
        Assert.Equal(TimeSpan.FromMilliseconds(1100), dev.Power.AutosuspendExpiration);

        bed.Clock.Advance(1 * Ms);
        Assert.Null(dev.Power.AutosuspendExpiration); // no longer in the future

        dev.Power.MarkLastBusy();
        Assert.Equal(TimeSpan.FromMilliseconds(1200), dev.Power.AutosuspendExpiration);

        dev.Power.SetAutosuspendDelay(-1);
        Assert.Null(dev.Power.AutosuspendExpiration);
    }
}
