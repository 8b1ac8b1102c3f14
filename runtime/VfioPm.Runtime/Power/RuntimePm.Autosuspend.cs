using System;
using System.Threading;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Power;

// Autosuspend (spec §4.13) and the suspend timer (§4.10). Times are monotonic nanoseconds from the environment's
// TimeProvider, so a ManualTimeProvider replays them exactly.
public sealed partial class RuntimePm
{
    // Guarded by _lock when written; last_busy and the delay are read racily, as in the kernel.
    private bool _useAutosuspend;
    private int _autosuspendDelayMs;
    private long _lastBusyNs;
    private long _timerExpiresNs;
    private bool _timerAutosuspends;
    private ITimer? _timer;

    /// <summary><c>use_autosuspend</c>.</summary>
    public bool UsesAutosuspend
    {
        get
        {
            lock (_lock)
            {
                return _useAutosuspend;
            }
        }
    }

    /// <summary><c>autosuspend_delay</c> in milliseconds; negative blocks runtime suspend while autosuspend is in use.</summary>
    public int AutosuspendDelayMs => Volatile.Read(ref _autosuspendDelayMs);

    /// <summary><c>last_busy</c>, as time since the environment started.</summary>
    public TimeSpan LastBusy => TimeSpan.FromTicks(Volatile.Read(ref _lastBusyNs) / 100);

    /// <summary>When the suspend timer fires, as time since the environment started; <see langword="null"/> when not armed.</summary>
    public TimeSpan? TimerExpires
    {
        get
        {
            lock (_lock)
            {
                return _timerExpiresNs == 0 ? null : TimeSpan.FromTicks(_timerExpiresNs / 100);
            }
        }
    }

    /// <summary>Records that the device was busy now; the autosuspend delay counts from here.</summary>
    /// <remarks>Lock-free; never sleeps.</remarks>
    // models pm_runtime_mark_last_busy()
    public void MarkLastBusy() => Volatile.Write(ref _lastBusyNs, _env.MonotonicNs);

    /// <summary>Sets the autosuspend delay. A negative delay (with autosuspend in use) takes a reference and resumes; leaving it drops that reference.</summary>
    /// <remarks>Takes the power lock; may sleep.</remarks>
    // models pm_runtime_set_autosuspend_delay()
    [MayRunPmCallbacks]
    public void SetAutosuspendDelay(int delayMs)
    {
        lock (_lock)
        {
            var oldDelay = _autosuspendDelayMs;
            var oldUse = _useAutosuspend;
            Volatile.Write(ref _autosuspendDelayMs, delayMs);
            UpdateAutosuspend(oldDelay, oldUse);
        }
    }

    /// <summary>Turns autosuspend on.</summary>
    /// <remarks>Takes the power lock; may sleep.</remarks>
    // models pm_runtime_use_autosuspend() = __pm_runtime_use_autosuspend(dev, true)
    [MayRunPmCallbacks]
    public void UseAutosuspend() => SetUseAutosuspend(true);

    /// <summary>Turns autosuspend off.</summary>
    /// <remarks>Takes the power lock; may sleep.</remarks>
    // models pm_runtime_dont_use_autosuspend() = __pm_runtime_use_autosuspend(dev, false)
    [MayRunPmCallbacks]
    public void DontUseAutosuspend() => SetUseAutosuspend(false);

    // models __pm_runtime_use_autosuspend(). Takes the power lock; may sleep.
    private void SetUseAutosuspend(bool use)
    {
        lock (_lock)
        {
            var oldDelay = _autosuspendDelayMs;
            var oldUse = _useAutosuspend;
            _useAutosuspend = use;
            UpdateAutosuspend(oldDelay, oldUse);
        }
    }

    // models update_autosuspend(): a negative delay blocks suspend by holding a usage reference.
    // Caller holds the power lock.
    private void UpdateAutosuspend(int oldDelay, bool oldUse)
    {
        var delay = _autosuspendDelayMs;
        if (_useAutosuspend && delay < 0)
        {
            // If it used to be allowed then prevent it.
            if (!oldUse || oldDelay >= 0)
            {
                Interlocked.Increment(ref _usageCount);
                RpmResume(RpmFlags.None);
            }
            else
            {
                TraceInternal(RpmTracepoint.Usage, RpmFlags.None);
            }
        }
        else
        {
            // If it used to be prevented then allow it.
            if (oldUse && oldDelay < 0)
            {
                DecrementUnlessZero(ref _usageCount);
            }

            // Maybe we can autosuspend now.
            RpmIdle(RpmFlags.Auto);
        }
    }

    /// <summary>When the autosuspend delay expires, as time since the environment started; <see langword="null"/> if autosuspend is off, the delay is negative, or it has already expired.</summary>
    // models pm_runtime_autosuspend_expiration()
    public TimeSpan? AutosuspendExpiration
    {
        get
        {
            var ns = AutosuspendExpirationNs();
            return ns == 0 ? null : TimeSpan.FromTicks(ns / 100);
        }
    }

    // models pm_runtime_autosuspend_expiration(). With or without the power lock: racy either way, as in the kernel.
    private long AutosuspendExpirationNs()
    {
        if (!_useAutosuspend)
        {
            return 0;
        }

        var delay = Volatile.Read(ref _autosuspendDelayMs);
        if (delay < 0)
        {
            return 0;
        }

        var expires = Volatile.Read(ref _lastBusyNs) + (delay * 1_000_000L);
        return expires > _env.MonotonicNs ? expires : 0;
    }

    // hrtimer_start_range_ns() on the suspend timer. Caller holds the power lock.
    private void ArmTimer(long expiresNs)
    {
        _timerExpiresNs = expiresNs;
        var dueTicks = Math.Max(0, (expiresNs - _env.MonotonicNs + 99) / 100);
        _timer ??= _env.Time.CreateTimer(static state => ((RuntimePm)state!).SuspendTimerFn(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(TimeSpan.FromTicks(dueTicks), Timeout.InfiniteTimeSpan);
    }

    // models pm_runtime_deactivate_timer(). Caller holds the power lock.
    private void DeactivateTimer()
    {
        if (_timerExpiresNs > 0)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timerExpiresNs = 0;
        }
    }

    // models pm_suspend_timer_fn(). Timer context; takes the power lock.
    private void SuspendTimerFn()
    {
        lock (_lock)
        {
            var expires = _timerExpiresNs;
            if (expires <= 0)
            {
                return;
            }

            if (expires <= _env.MonotonicNs)
            {
                _timerExpiresNs = 0;
                RpmSuspend(_timerAutosuspends ? RpmFlags.Async | RpmFlags.Auto : RpmFlags.Async);
            }
            else
            {
                // Fired early: an hrtimer never does, so wait out the rest.
                ArmTimer(expires);
            }

            RefreshFastGate();
        }
    }
}
