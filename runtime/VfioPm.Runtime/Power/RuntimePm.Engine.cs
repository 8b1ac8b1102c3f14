using System.Diagnostics.CodeAnalysis;
using System;
using System.Diagnostics;
using System.Threading;

namespace VfioPm.Runtime.Power;

// The state machine of drivers/base/power/runtime.c: rpm_check_suspend_allowed, rpm_idle, rpm_suspend, rpm_resume
// and rpm_callback. Every method here is called with the power lock (_lock) held exactly once; those that run
// callbacks or touch another device drop it and take it back before returning, as the kernel's
// __releases/__acquires annotations say.
public sealed partial class RuntimePm
{
    // models rpm_check_suspend_allowed(): the first failing check wins.
    // Caller holds the power lock. Every caller may go on to suspend, queue a request or arm a timer, so the fast-path
    // gate is closed (a full fence) before the usage count is read: a lock-free get either shows in the count read
    // below or finds the gate closed and waits for the lock (RuntimePm.FastPath.cs).
    private int CheckSuspendAllowed()
    {
        AssertLocked();
        CloseFastGate();
        if (_runtimeError != 0)
        {
            return -Errno.EINVAL;
        }

        if (_disableDepth > 0)
        {
            return -Errno.EACCES;
        }

        if (Volatile.Read(ref _usageCount) != 0)
        {
            return -Errno.EAGAIN;
        }

        if (!_ignoreChildren && Volatile.Read(ref _childCount) != 0)
        {
            return -Errno.EBUSY;
        }

        // Pending resume requests take precedence over suspends.
        if ((_deferredResume && _status == RpmStatus.Suspending) || (_requestPending && _request == RpmRequest.Resume))
        {
            return -Errno.EAGAIN;
        }

        if (_qosResumeLatency == TimeSpan.Zero)
        {
            return -Errno.EPERM;
        }

        return _status == RpmStatus.Suspended ? 1 : 0;
    }

    // models rpm_idle(): check, then run (or queue) the idle callback, then suspend with RPM_AUTO if it said 0.
    // Caller holds the power lock; it is dropped around a synchronous idle callback.
    private int RpmIdle(RpmFlags flags)
    {
        AssertLocked();
        TraceInternal(RpmTracepoint.Idle, flags);
        var retval = CheckSuspendAllowed();
        if (retval < 0)
        {
            // Conditions are wrong.
        }
        else if ((flags & RpmFlags.GetPut) != 0 && retval == 1)
        {
            // 6.18+: a put on an already-suspended device reports 1 ("already suspended").
        }
        else if (_status != RpmStatus.Active)
        {
            retval = -Errno.EAGAIN;
        }
        else if (_requestPending && _request > RpmRequest.Idle)
        {
            // Any pending request other than an idle notification takes precedence.
            retval = -Errno.EAGAIN;
        }
        else if (_idleNotification)
        {
            // Act as though RPM_NOWAIT is always set.
            retval = -Errno.EINPROGRESS;
        }

        if (retval != 0)
        {
            TraceReturn(RpmIdleSymbol, retval);
            return retval;
        }

        _request = RpmRequest.None;
        var ops = _device.FindCallbacks(RuntimePmCallbackKinds.Idle);
        if (ops is null || _noCallbacks)
        {
            // No idle callback: assume it would have said "go ahead".
            TraceReturn(RpmIdleSymbol, 0);
            return RpmSuspend(flags | RpmFlags.Auto);
        }

        if ((flags & RpmFlags.Async) != 0)
        {
            _request = RpmRequest.Idle;
            QueueRequest();
            TraceReturn(RpmIdleSymbol, 0);
            return 0;
        }

        _idleNotification = true;
        Monitor.Exit(_lock);
        try
        {
            retval = Invoke(ops, RuntimePmCallbackKinds.Idle);
        }
        finally
        {
            Monitor.Enter(_lock);
        }

        _idleNotification = false;
        Monitor.PulseAll(_lock);
        TraceReturn(RpmIdleSymbol, retval);
        return retval != 0 ? retval : RpmSuspend(flags | RpmFlags.Auto);
    }

    // models rpm_suspend(): check, honour the autosuspend delay, wait for or join a suspend in flight, then run (or
    // queue) the suspend callback. On success the parent and PM-runtime suppliers get an async idle; a deferred resume
    // runs at once (-EAGAIN). -EAGAIN/-EBUSY from the callback are not fatal and re-arm an autosuspend.
    // Caller holds the power lock; it is dropped around the callback and the notifications.
    private int RpmSuspend(RpmFlags flags)
    {
        TraceInternal(RpmTracepoint.Suspend, flags);
        var retval = RpmSuspendBody(flags);
        TraceReturn(RpmSuspendSymbol, retval);
        return retval;
    }

    // rpm_suspend() from its 'repeat' label to 'out': every return is the function's result.
    private int RpmSuspendBody(RpmFlags flags)
    {
        AssertLocked();
        while (true)
        {
            var retval = CheckSuspendAllowed();
            if (retval < 0)
            {
                return retval;
            }

            // Synchronous suspends are not allowed in the Resuming state.
            if (_status == RpmStatus.Resuming && (flags & RpmFlags.Async) == 0)
            {
                retval = -Errno.EAGAIN;
            }

            if (retval != 0)
            {
                return retval;
            }

            // If the autosuspend delay has not expired yet, (re)arm the timer instead.
            if ((flags & RpmFlags.Auto) != 0 && _status != RpmStatus.Suspending)
            {
                var expires = AutosuspendExpirationNs();
                if (expires != 0)
                {
                    _request = RpmRequest.None;
                    // An armed timer that expires no later is left alone.
                    if (!(_timerExpiresNs != 0 && _timerExpiresNs <= expires))
                    {
                        ArmTimer(expires);
                    }

                    _timerAutosuspends = true;
                    return 0;
                }
            }

            CancelPending();

            if (_status == RpmStatus.Suspending)
            {
                if ((flags & (RpmFlags.Async | RpmFlags.NoWait)) != 0)
                {
                    return -Errno.EINPROGRESS;
                }

                // Wait for the suspend running in parallel with us, then start over.
                while (_status == RpmStatus.Suspending)
                {
                    Monitor.Wait(_lock);
                }

                continue;
            }

            if (!_noCallbacks)
            {
                if ((flags & RpmFlags.Async) != 0)
                {
                    _request = (flags & RpmFlags.Auto) != 0 ? RpmRequest.Autosuspend : RpmRequest.Suspend;
                    QueueRequest();
                    return 0;
                }

                UpdateStatus(RpmStatus.Suspending);
                retval = RpmCallback(RuntimePmCallbackKinds.Suspend);
                if (retval != 0)
                {
                    // fail:
                    UpdateStatus(RpmStatus.Active);
                    _deferredResume = false;
                    Monitor.PulseAll(_lock);
                    if (retval == -Errno.EAGAIN || retval == -Errno.EBUSY)
                    {
                        // Transient: the device stays active and usable.
                        _runtimeError = 0;
                        if ((flags & RpmFlags.Auto) != 0 && AutosuspendExpirationNs() != 0)
                        {
                            continue;
                        }
                    }
                    else
                    {
                        CancelPending();
                    }

                    return retval;
                }
            }

            return FinishSuspend();
        }
    }

    // The success tail of rpm_suspend() (its no_callback label onwards). Caller holds the power lock.
    private int FinishSuspend()
    {
        UpdateStatus(RpmStatus.Suspended);
        DeactivateTimer();
        var parent = _device.Parent;
        parent?.Power.DecrementChildCount();
        Monitor.PulseAll(_lock);

        if (_deferredResume)
        {
            _deferredResume = false;
            RpmResume(RpmFlags.None);
            return -Errno.EAGAIN;
        }

        // Maybe the parent is now able to suspend.
        if (parent is not null && !parent.Power._ignoreChildren)
        {
            Monitor.Exit(_lock);
            try
            {
                lock (parent.Power._lock)
                {
                    parent.Power.RpmIdle(RpmFlags.Async);
                }
            }
            finally
            {
                Monitor.Enter(_lock);
            }
        }

        // Maybe the suppliers are now able to suspend.
        if (Volatile.Read(ref _linksCount) > 0)
        {
            Monitor.Exit(_lock);
            try
            {
                SuspendSuppliers();
            }
            finally
            {
                Monitor.Enter(_lock);
            }
        }

        return 0;
    }

    // models rpm_resume(): check (error, disabled with last_status), cancel requests but keep an autosuspend timer,
    // wait for or defer behind a transition in flight, resume the parent first (holding a parent reference for the
    // duration), then run (or queue) the resume callback and queue an idle check on success.
    // Caller holds the power lock; it is dropped around the parent's resume, the callback and the parent's put.
    private int RpmResume(RpmFlags flags)
    {
        AssertLocked();
        TraceInternal(RpmTracepoint.Resume, flags);
        Device? parent = null;
        var retval = 0;
        while (true)
        {
            if (_runtimeError != 0)
            {
                retval = -Errno.EINVAL;
            }
            else if (_disableDepth > 0)
            {
                retval = _status == RpmStatus.Active && _lastStatus == RpmStatus.Active ? 1 : -Errno.EACCES;
            }

            if (retval != 0)
            {
                break;
            }

            // Cancel other requests; leave a running autosuspend timer alone (it would only be re-armed soon).
            _request = RpmRequest.None;
            if (!_timerAutosuspends)
            {
                DeactivateTimer();
            }

            if (_status == RpmStatus.Active)
            {
                retval = 1;
                break;
            }

            if (_status is RpmStatus.Resuming or RpmStatus.Suspending)
            {
                if ((flags & (RpmFlags.Async | RpmFlags.NoWait)) != 0)
                {
                    if (_status == RpmStatus.Suspending)
                    {
                        _deferredResume = true;
                        if ((flags & RpmFlags.NoWait) != 0)
                        {
                            retval = -Errno.EINPROGRESS;
                        }
                    }
                    else
                    {
                        retval = -Errno.EINPROGRESS;
                    }

                    break;
                }

                // Wait for the operation carried out in parallel with us, then start over.
                while (_status is RpmStatus.Resuming or RpmStatus.Suspending)
                {
                    Monitor.Wait(_lock);
                }

                continue;
            }

            // A no-callbacks device may skip waking its parent if the parent is already fine with it.
            if (_noCallbacks && parent is null && _device.Parent is { } directParent)
            {
                var skipParent = false;
                lock (directParent.Power._lock)
                {
                    var pp = directParent.Power;
                    if (pp._disableDepth > 0 || pp._ignoreChildren || pp._status == RpmStatus.Active)
                    {
                        pp.IncrementChildCount();
                        skipParent = true;
                    }
                }

                if (skipParent)
                {
                    retval = 1;
                    CompleteResume(parentCounted: null, ref retval);
                    break;
                }
            }

            if ((flags & RpmFlags.Async) != 0)
            {
                _request = RpmRequest.Resume;
                QueueRequest();
                retval = 0;
                break;
            }

            if (parent is null && _device.Parent is { } p)
            {
                // Hold the parent for the duration of our resume, and resume it first unless it is disabled or
                // ignores its children.
                parent = p;
                Monitor.Exit(_lock);
                try
                {
                    parent.Power.GetNoResume(); // the reference 'out' puts, on the same local
                    lock (p.Power._lock)
                    {
                        if (p.Power._disableDepth == 0 && !p.Power._ignoreChildren)
                        {
                            p.Power.RpmResume(RpmFlags.None);
                            if (p.Power._status != RpmStatus.Active)
                            {
                                retval = -Errno.EBUSY;
                            }
                        }
                    }
                }
                finally
                {
                    Monitor.Enter(_lock);
                }

                if (retval != 0)
                {
                    break;
                }

                continue;
            }

            if (_noCallbacks)
            {
                CompleteResume(parent, ref retval);
                break;
            }

            UpdateStatus(RpmStatus.Resuming);
            retval = RpmCallback(RuntimePmCallbackKinds.Resume);
            if (retval != 0)
            {
                UpdateStatus(RpmStatus.Suspended);
                CancelPending();
                Monitor.PulseAll(_lock);
            }
            else
            {
                CompleteResume(parent, ref retval);
            }

            break;
        }

        // out: drop the parent reference taken above (async idle, so the parent may follow us down later).
        if (parent is not null)
        {
            Monitor.Exit(_lock);
            try
            {
                parent.Power.Put();
            }
            finally
            {
                Monitor.Enter(_lock);
            }
        }

        TraceReturn(RpmResumeSymbol, retval);
        return retval;
    }

    // The success tail of rpm_resume() (its no_callback label): Active, last_busy, counted in the parent, idle check.
    // Caller holds the power lock.
    private void CompleteResume(Device? parentCounted, ref int retval)
    {
        UpdateStatus(RpmStatus.Active);
        _lastBusyNs = _env.MonotonicNs;
        parentCounted?.Power.IncrementChildCount();
        Monitor.PulseAll(_lock);
        if (retval >= 0)
        {
            RpmIdle(RpmFlags.Async);
        }
    }

    // models rpm_callback() and __rpm_callback(): run a suspend/resume callback with the lock dropped, resuming
    // PM-runtime suppliers before a resume and releasing them after a successful suspend or a failed resume; latch the
    // result in runtime_error and return -EACCES as -EIO. A missing callback counts as success (5.12+).
    // Caller holds the power lock; the status is Suspending or Resuming, so it cannot change while dropped.
    private int RpmCallback(RuntimePmCallbackKinds kind)
    {
        AssertLocked();
        Debug.Assert(_status is RpmStatus.Suspending or RpmStatus.Resuming);
        var ops = _device.FindCallbacks(kind);
        var useLinks = Volatile.Read(ref _linksCount) > 0;
        var status = _status;
        int retval;

        Monitor.Exit(_lock);
        try
        {
            retval = 0;
            if (useLinks && status == RpmStatus.Resuming)
            {
                retval = GetSuppliers();
                if (retval != 0)
                {
                    PutSuppliers(tryToSuspend: true);
                }
            }

            if (retval == 0)
            {
                if (ops is not null)
                {
                    retval = Invoke(ops, kind);
                }

                if (useLinks && ((status == RpmStatus.Suspending && retval == 0) || (status == RpmStatus.Resuming && retval != 0)))
                {
                    PutSuppliers(tryToSuspend: false);
                }
            }
        }
        finally
        {
            Monitor.Enter(_lock);
        }

        _runtimeError = retval;
        return retval == -Errno.EACCES ? -Errno.EIO : retval;
    }

    // Calls one callback; a throwing callback is a driver bug that must not wedge the device in a transient status,
    // so it is reported and treated as -EIO. Called without the power lock.
    private int Invoke(IRuntimePmCallbacks ops, RuntimePmCallbackKinds kind)
    {
        try
        {
            return kind switch
            {
                RuntimePmCallbackKinds.Suspend => ops.RuntimeSuspend(_device),
                RuntimePmCallbackKinds.Resume => ops.RuntimeResume(_device),
                _ => ops.RuntimeIdle(_device),
            };
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _lastCallbackFault, ex);
            _env.Warn(_device, $"runtime {kind} callback threw {ex.GetType().Name}: {ex.Message}; treated as -EIO");
            return -Errno.EIO;
        }
    }

    // models __update_runtime_status(). Caller holds the power lock.
    private void UpdateStatus(RpmStatus status)
    {
        UpdateAccounting();
        TraceStatus(status);
        var from = _status;
        _status = status;
        if (from != status)
        {
            _env.OnTransition(new RpmTransition(_env.Now, _device, from, status, Volatile.Read(ref _usageCount), Volatile.Read(ref _childCount)));
        }
    }

    // The request half of rpm_idle/rpm_suspend/rpm_resume with RPM_ASYNC: one work item per device.
    // Caller holds the power lock and has set _request.
    private void QueueRequest()
    {
        if (!_requestPending)
        {
            _requestPending = true;
            _env.WorkQueue.Queue(_work);
        }
    }

    // models pm_runtime_cancel_pending(): stop the timer; a queued work item will find nothing to do.
    // Caller holds the power lock.
    private void CancelPending()
    {
        DeactivateTimer();
        _request = RpmRequest.None;
    }

    // models pm_runtime_work(). Runs on the PM workqueue; takes the power lock.
    private void RunWork()
    {
        lock (_lock)
        {
            if (!_requestPending)
            {
                return;
            }

            var request = _request;
            _request = RpmRequest.None;
            _requestPending = false;
            switch (request)
            {
                case RpmRequest.Idle:
                    RpmIdle(RpmFlags.NoWait);
                    break;
                case RpmRequest.Suspend:
                    RpmSuspend(RpmFlags.NoWait);
                    break;
                case RpmRequest.Autosuspend:
                    RpmSuspend(RpmFlags.NoWait | RpmFlags.Auto);
                    break;
                case RpmRequest.Resume:
                    RpmResume(RpmFlags.NoWait);
                    break;
            }

            RefreshFastGate();
        }
    }

    // atomic_inc(&child_count)
    private void IncrementChildCount() => Interlocked.Increment(ref _childCount);

    // atomic_add_unless(&child_count, -1, 0)
    private void DecrementChildCount() => DecrementUnlessZero(ref _childCount);

    private static bool DecrementUnlessZero(ref int value)
    {
        while (true)
        {
            var current = Volatile.Read(ref value);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref value, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    [Conditional("DEBUG")]
    private void AssertLocked() => Debug.Assert(Monitor.IsEntered(_lock), "runtime-PM engine called without the power lock");
}
