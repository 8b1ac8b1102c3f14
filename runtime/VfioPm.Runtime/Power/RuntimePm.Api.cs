using System.Runtime.CompilerServices;
using System.Threading;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Power;

// The helpers of include/linux/pm_runtime.h (spec §4.9) over the three entry points __pm_runtime_idle,
// __pm_runtime_suspend and __pm_runtime_resume. "May sleep" means: takes the power lock and may wait for a
// transition in flight or run callbacks on the calling thread; async variants only queue work.
public sealed partial class RuntimePm
{
    // ---- entry points ----------------------------------------------------------------------------------------

    // models __pm_runtime_idle(): with GET_PUT drop a reference first (underflow → -EINVAL, still in use → 0, with
    // trace_rpm_usage). Takes the power lock; may sleep unless Async.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int IdleEntry(RpmFlags flags)
    {
        if ((flags & RpmFlags.GetPut) == 0)
        {
            return IdleLocked(flags);
        }

        var remaining = DropUsageCount();
        if (remaining > 0)
        {
            return Volatile.Read(ref _traced) ? TraceStillInUse(flags) : 0;
        }

        return remaining == 0 ? IdleLocked(flags) : remaining;
    }

    // The locked half of __pm_runtime_idle(). Takes the power lock; may sleep unless Async.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int IdleLocked(RpmFlags flags)
    {
        lock (_lock)
        {
            var retval = RpmIdle(flags);
            RefreshFastGate();
            return retval;
        }
    }

    // models __pm_runtime_suspend(): the same GET_PUT prologue as idle, then rpm_suspend.
    // Takes the power lock; may sleep unless Async.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SuspendEntry(RpmFlags flags)
    {
        if ((flags & RpmFlags.GetPut) == 0)
        {
            return SuspendLocked(flags);
        }

        var remaining = DropUsageCount();
        if (remaining > 0)
        {
            return Volatile.Read(ref _traced) ? TraceStillInUse(flags) : 0;
        }

        return remaining == 0 ? SuspendLocked(flags) : remaining;
    }

    // The locked half of __pm_runtime_suspend(). Takes the power lock; may sleep unless Async.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int SuspendLocked(RpmFlags flags)
    {
        lock (_lock)
        {
            var retval = RpmSuspend(flags);
            RefreshFastGate();
            return retval;
        }
    }

    // models __pm_runtime_resume(): with GET_PUT the count goes up first and stays up whatever the result. On an
    // Active device with nothing pending that is all (RuntimePm.FastPath.cs): rpm_resume() would return 1 unchanged.
    // Lock-free on that path; otherwise takes the power lock and may sleep unless Async.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ResumeEntry(RpmFlags flags) =>
        (flags & RpmFlags.GetPut) != 0 && TryGetActive() ? 1 : ResumeLocked(flags);

    // The locked half of __pm_runtime_resume() (the count, with GET_PUT, is already up). Takes the power lock; may
    // sleep unless Async.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ResumeLocked(RpmFlags flags)
    {
        lock (_lock)
        {
            var retval = RpmResume(flags);
            RefreshFastGate();
            return retval;
        }
    }

    // models rpm_drop_usage_count(): decrement unless already 0; at 0 refuse, warn and return -EINVAL.
    // Lock-free. Unlike the kernel's dec-then-reinc, the count is never observably negative. The first attempt is
    // inlined into the put helpers; contention and underflow go to the loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int DropUsageCount()
    {
        var current = Volatile.Read(ref _usageCount);
        if (current > 0)
        {
            var next = current - 1;
            if (Interlocked.CompareExchange(ref _usageCount, next, current) == current)
            {
                return next;
            }
        }

        return DropUsageCountContended();
    }

    // The retry loop of DropUsageCount(), and its underflow refusal. Lock-free.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int DropUsageCountContended()
    {
        while (true)
        {
            var current = Volatile.Read(ref _usageCount);
            if (current <= 0)
            {
                Interlocked.Increment(ref _underflows);
                _env.Warn(_device, "Runtime PM usage count underflow!");
                return -Errno.EINVAL;
            }

            if (Interlocked.CompareExchange(ref _usageCount, current - 1, current) == current)
            {
                return current - 1;
            }
        }
    }

    // ---- idle / suspend / resume -----------------------------------------------------------------------------

    /// <summary>Runs an idle check synchronously; suspends if it allows.</summary>
    /// <returns>The idle result, else the suspend result: 0, or <c>-EAGAIN</c>/<c>-EBUSY</c>/<c>-EACCES</c>/<c>-EINVAL</c>/<c>-EINPROGRESS</c>/<c>-EPERM</c>.</returns>
    /// <remarks>May sleep (runs callbacks on the calling thread).</remarks>
    // models pm_runtime_idle()
    [MayRunPmCallbacks]
    public int Idle() => IdleEntry(RpmFlags.None);

    /// <summary>Queues an idle check.</summary>
    /// <returns>0 if queued (or the device suspended without an idle callback being needed), else the check's error.</returns>
    /// <remarks>Does not sleep.</remarks>
    // models pm_request_idle()
    public int RequestIdle() => IdleEntry(RpmFlags.Async);

    /// <summary>Suspends synchronously.</summary>
    /// <returns>0 suspended, 1 already suspended, or the reason it was refused.</returns>
    /// <remarks>May sleep.</remarks>
    // models pm_runtime_suspend()
    [MayRunPmCallbacks]
    public int Suspend() => SuspendEntry(RpmFlags.None);

    /// <summary>Marks the device busy now and suspends once the autosuspend delay passes (arms the timer if it has not).</summary>
    /// <remarks>May sleep. 6.17+: marks <c>last_busy</c> first.</remarks>
    // models pm_runtime_autosuspend()
    [MayRunPmCallbacks]
    public int Autosuspend()
    {
        MarkLastBusy();
        return SuspendEntry(RpmFlags.Auto);
    }

    /// <summary>Queues an autosuspend (marking the device busy now).</summary>
    /// <returns>0 queued or timer armed, 1 already suspended, or the check's error.</returns>
    /// <remarks>Does not sleep.</remarks>
    // models pm_request_autosuspend()
    public int RequestAutosuspend()
    {
        MarkLastBusy();
        return SuspendEntry(RpmFlags.Async | RpmFlags.Auto);
    }

    /// <summary>Schedules a suspend after <paramref name="delayMs"/> milliseconds (0: queue it now).</summary>
    /// <returns>0 scheduled, 1 already suspended, or the check's error.</returns>
    /// <remarks>Does not sleep.</remarks>
    // models pm_schedule_suspend()
    public int ScheduleSuspend(int delayMs)
    {
        lock (_lock)
        {
            if (delayMs <= 0)
            {
                return RpmSuspend(RpmFlags.Async);
            }

            var retval = CheckSuspendAllowed();
            if (retval != 0)
            {
                return retval;
            }

            CancelPending();
            ArmTimer(_env.MonotonicNs + (delayMs * 1_000_000L));
            _timerAutosuspends = false;
            return 0;
        }
    }

    /// <summary>Resumes synchronously (parent first).</summary>
    /// <returns>0 resumed, 1 already active, <c>-EACCES</c> disabled, <c>-EINVAL</c> error latched, <c>-EBUSY</c> parent not active, or the callback's error.</returns>
    /// <remarks>May sleep.</remarks>
    // models pm_runtime_resume()
    [MayRunPmCallbacks]
    public int Resume() => ResumeEntry(RpmFlags.None);

    /// <summary>Queues a resume.</summary>
    /// <returns>0 queued, 1 already active, or an error.</returns>
    /// <remarks>Does not sleep.</remarks>
    // models pm_request_resume()
    public int RequestResume() => ResumeEntry(RpmFlags.Async);

    // ---- get -------------------------------------------------------------------------------------------------

    /// <summary>Takes a reference and queues a resume. The reference is held whatever the result.</summary>
    /// <returns>As <see cref="RequestResume"/>.</returns>
    /// <remarks>Does not sleep.</remarks>
    // models pm_runtime_get()
    [AcquiresPmReference]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get() => ResumeEntry(RpmFlags.GetPut | RpmFlags.Async);

    /// <summary>
    /// Takes a reference and resumes synchronously. <b>The reference is kept even when it fails</b>: a caller that
    /// returns on error must still put it. Prefer <see cref="ResumeAndGet"/>.
    /// </summary>
    /// <returns>0 resumed, 1 already active, or an error (reference still held).</returns>
    /// <remarks>May sleep.</remarks>
    // models pm_runtime_get_sync()
    [AcquiresPmReference]
    [MayRunPmCallbacks]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetSync() => ResumeEntry(RpmFlags.GetPut);

    /// <summary>Resumes synchronously and takes a reference only if that worked.</summary>
    /// <returns>0 with the reference held (also when already active), or an error with no reference held.</returns>
    /// <remarks>May sleep.</remarks>
    // models pm_runtime_resume_and_get()
    [AcquiresPmReference(OnSuccess = true, SuccessWhen = PmReferenceSuccess.Zero)]
    [MayRunPmCallbacks]
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the lock-free case inlines into the caller's bracket
    public int ResumeAndGet() => TryGetActive() ? 0 : ResumeAndGetLocked();

    // ResumeAndGet() past the fast path: the count is already up (TryGetActive() raised it, as __pm_runtime_resume()
    // does before rpm_resume()); a failed resume drops it again, as pm_runtime_resume_and_get() does.
    // Takes the power lock; may sleep.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [ReleasesPmReference(OnFailure = true, SuccessWhen = PmReferenceSuccess.Zero)]
    private int ResumeAndGetLocked()
    {
        var ret = ResumeLocked(RpmFlags.GetPut);
        if (ret < 0)
        {
            PutNoIdle();
            return ret;
        }

        return 0;
    }

    /// <summary>The scoped form of <see cref="ResumeAndGet"/>: <c>using var pm = dev.Power.ResumeAndGetScope();</c>.</summary>
    /// <returns>A scope whose <see cref="PmReferenceScope.Error"/> is the result and whose <c>Dispose</c> puts only what it got.</returns>
    /// <remarks>May sleep.</remarks>
    [AcquiresPmReference(OnSuccess = true, SuccessWhen = PmReferenceSuccess.Zero)]
    [MayRunPmCallbacks]
    public PmReferenceScope ResumeAndGetScope() => new(this, ResumeAndGet());

    /// <summary>Takes a reference without resuming.</summary>
    /// <remarks>Lock-free; never sleeps.</remarks>
    // models pm_runtime_get_noresume()
    [AcquiresPmReference]
    public void GetNoResume() => Interlocked.Increment(ref _usageCount);

    /// <summary>Takes a reference only if the device is active.</summary>
    /// <returns>1 with the reference taken, 0 not active (no reference), <c>-EINVAL</c> runtime PM disabled.</returns>
    /// <remarks>Takes the power lock; does not sleep.</remarks>
    // models pm_runtime_get_if_active() (6.9+ single-argument form)
    [AcquiresPmReference(OnSuccess = true, SuccessWhen = PmReferenceSuccess.Positive)]
    public int GetIfActive() => GetConditional(ignoreUsageCount: true);

    /// <summary>Takes a reference only if the device is active and already in use (usage count above 0).</summary>
    /// <returns>1 with the reference taken, 0 otherwise, <c>-EINVAL</c> runtime PM disabled.</returns>
    /// <remarks>Takes the power lock; does not sleep.</remarks>
    // models pm_runtime_get_if_in_use()
    [AcquiresPmReference(OnSuccess = true, SuccessWhen = PmReferenceSuccess.Positive)]
    public int GetIfInUse() => GetConditional(ignoreUsageCount: false);

    // models pm_runtime_get_conditional(): the answer, then trace_rpm_usage(dev, 0) whatever it was. Takes the power lock.
    private int GetConditional(bool ignoreUsageCount)
    {
        lock (_lock)
        {
            var retval = GetConditionalLocked(ignoreUsageCount);
            TraceInternal(RpmTracepoint.Usage, RpmFlags.None);
            return retval;
        }
    }

    // The if-chain of pm_runtime_get_conditional(). Caller holds the power lock.
    private int GetConditionalLocked(bool ignoreUsageCount)
    {
        if (_disableDepth > 0)
        {
            return -Errno.EINVAL;
        }

        if (_status != RpmStatus.Active)
        {
            return 0;
        }

        if (ignoreUsageCount)
        {
            Interlocked.Increment(ref _usageCount);
            return 1;
        }

        // atomic_inc_not_zero
        while (true)
        {
            var current = Volatile.Read(ref _usageCount);
            if (current == 0)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref _usageCount, current + 1, current) == current)
            {
                return 1;
            }
        }
    }

    // ---- put -------------------------------------------------------------------------------------------------

    /// <summary>Drops a reference; at 0 queues an idle check. The reference is dropped whatever the result.</summary>
    /// <returns>0 (still in use, or idle queued), 1 already suspended, <c>-EINVAL</c> on underflow (count stays 0), or the check's error.</returns>
    /// <remarks>Does not sleep.</remarks>
    // models pm_runtime_put()
    [ReleasesPmReference]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Put() => IdleEntry(RpmFlags.GetPut | RpmFlags.Async);

    /// <summary>Drops a reference; at 0 runs the idle check (and suspend) synchronously.</summary>
    /// <returns>As <see cref="Put"/>, with the synchronous suspend's result.</returns>
    /// <remarks>May sleep.</remarks>
    // models pm_runtime_put_sync()
    [ReleasesPmReference]
    [MayRunPmCallbacks]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PutSync() => IdleEntry(RpmFlags.GetPut);

    /// <summary>Drops a reference, marks the device busy and lets it autosuspend after the delay.</summary>
    /// <remarks>Does not sleep. 6.17+: marks <c>last_busy</c>.</remarks>
    // models pm_runtime_put_autosuspend()
    [ReleasesPmReference]
    public int PutAutosuspend()
    {
        MarkLastBusy();
        return SuspendEntry(RpmFlags.GetPut | RpmFlags.Async | RpmFlags.Auto);
    }

    /// <summary>Drops a reference, marks the device busy and autosuspends synchronously if the delay has passed.</summary>
    /// <returns>0, 1 if it reached 0 and was already suspended, or an error.</returns>
    /// <remarks>May sleep.</remarks>
    // models pm_runtime_put_sync_autosuspend()
    [ReleasesPmReference]
    [MayRunPmCallbacks]
    public int PutSyncAutosuspend()
    {
        MarkLastBusy();
        return SuspendEntry(RpmFlags.GetPut | RpmFlags.Auto);
    }

    /// <summary>Drops a reference and, at 0, suspends synchronously without an idle check.</summary>
    /// <remarks>May sleep.</remarks>
    // models pm_runtime_put_sync_suspend()
    [ReleasesPmReference]
    [MayRunPmCallbacks]
    public int PutSyncSuspend() => SuspendEntry(RpmFlags.GetPut);

    /// <summary>Drops a reference without an idle check; at 0 it stays 0 (silently).</summary>
    /// <remarks>Lock-free; never sleeps.</remarks>
    // models pm_runtime_put_noidle()
    [ReleasesPmReference]
    public void PutNoIdle() => DecrementUnlessZero(ref _usageCount);
}
