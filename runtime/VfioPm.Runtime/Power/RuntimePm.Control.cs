using System.Threading;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Power;

// Enable/disable, allow/forbid (power/control), forced status (set_active/set_suspended), barrier and the
// configuration switches of runtime PM.
public sealed partial class RuntimePm
{
    /// <summary>Decrements the disable depth; runtime PM is enabled when it reaches 0. The status is not changed.</summary>
    /// <remarks>Takes the power lock; does not sleep. Enabling an enabled device only warns ("Unbalanced pm_runtime_enable!").</remarks>
    // models pm_runtime_enable()
    public void Enable()
    {
        lock (_lock)
        {
            if (_disableDepth == 0)
            {
                _env.Warn(_device, "Unbalanced pm_runtime_enable!");
                return;
            }

            if (--_disableDepth > 0)
            {
                return;
            }

            _lastStatus = null;
            _accountingNs = _env.MonotonicNs;
            if (_status == RpmStatus.Suspended && !_ignoreChildren && Volatile.Read(ref _childCount) > 0)
            {
                _env.Warn(_device, "Enabling runtime PM for inactive device with active children");
            }
        }
    }

    /// <summary>
    /// Increments the disable depth. On the first disable, a pending resume request is carried out first, then
    /// the timer and requests are cancelled, transitions in flight are waited for, and the status is kept as
    /// <see cref="LastStatus"/>.
    /// </summary>
    /// <remarks>Takes the power lock; may sleep.</remarks>
    // models pm_runtime_disable() = __pm_runtime_disable(dev, true)
    [MayRunPmCallbacks]
    public void Disable() => Disable(checkResume: true);

    // models __pm_runtime_disable(). Takes the power lock; may sleep.
    internal void Disable(bool checkResume)
    {
        lock (_lock)
        {
            if (_disableDepth > 0)
            {
                _disableDepth++;
                return;
            }

            // A pending resume means there is probably I/O to process: wake the device before disabling.
            if (checkResume && _requestPending && _request == RpmRequest.Resume)
            {
                Interlocked.Increment(ref _usageCount);
                RpmResume(RpmFlags.None);
                DecrementUnlessZero(ref _usageCount);
            }

            UpdateAccounting();
            CloseFastGate(); // a disabled device answers gets under the lock (-EACCES or 1 by last_status)
            if (_disableDepth++ == 0)
            {
                BarrierLocked();
                _lastStatus = _status;
            }
        }
    }

    /// <summary>Lets the device runtime-suspend (writing "auto" to power/control): drops the reference <see cref="Forbid"/> took and queues an idle check.</summary>
    /// <remarks>Takes the power lock; does not sleep.</remarks>
    // models pm_runtime_allow()
    public void Allow()
    {
        lock (_lock)
        {
            if (_runtimeAuto)
            {
                return;
            }

            _runtimeAuto = true;
            var remaining = DropUsageCount();
            if (remaining == 0)
            {
                RpmIdle(RpmFlags.Auto | RpmFlags.Async);
            }
            else if (remaining > 0)
            {
                TraceInternal(RpmTracepoint.Usage, RpmFlags.Auto | RpmFlags.Async);
            }
        }
    }

    /// <summary>Keeps the device active (writing "on" to power/control): takes a reference and resumes synchronously.</summary>
    /// <remarks>Takes the power lock; may sleep.</remarks>
    // models pm_runtime_forbid()
    [MayRunPmCallbacks]
    public void Forbid()
    {
        lock (_lock)
        {
            if (!_runtimeAuto)
            {
                return;
            }

            _runtimeAuto = false;
            Interlocked.Increment(ref _usageCount);
            RpmResume(RpmFlags.None);
        }
    }

    /// <summary>Forces the status to Active (runtime PM disabled or in error only); clears a latched error.</summary>
    /// <returns>0; <c>-EAGAIN</c> if runtime PM is enabled and healthy; <c>-EBUSY</c> if the parent is enabled, does not ignore children and is not active.</returns>
    /// <remarks>Takes the power lock, nesting the parent's; may sleep (resumes PM-runtime suppliers).</remarks>
    // models pm_runtime_set_active()
    public int SetActive() => SetStatus(RpmStatus.Active);

    /// <summary>Forces the status to Suspended (runtime PM disabled or in error only); clears a latched error.</summary>
    /// <returns>0 or <c>-EAGAIN</c> if runtime PM is enabled and healthy.</returns>
    /// <remarks>Takes the power lock; does not sleep.</remarks>
    // models pm_runtime_set_suspended()
    public int SetSuspended() => SetStatus(RpmStatus.Suspended);

    // models __pm_runtime_set_status(). Takes the power lock (nesting the parent's); may sleep for ACTIVE.
    private int SetStatus(RpmStatus status)
    {
        var parent = _device.Parent;
        var notifyParent = false;
        var error = 0;

        lock (_lock)
        {
            // Keep runtime PM from being enabled meanwhile, or refuse if it is enabled and working.
            if (_runtimeError != 0 || _disableDepth > 0)
            {
                _disableDepth++;
            }
            else
            {
                return -Errno.EAGAIN;
            }
        }

        // Suppliers can be activated up front: the next put of suppliers drops the link counts back to one anyway.
        if (status == RpmStatus.Active)
        {
            error = GetSuppliers();
            if (error != 0)
            {
                status = RpmStatus.Suspended;
            }
        }

        lock (_lock)
        {
            var set = true;
            if (_status != status && parent is not null)
            {
                if (status == RpmStatus.Suspended)
                {
                    parent.Power.DecrementChildCount();
                    notifyParent = !parent.Power._ignoreChildren;
                }
                else
                {
                    lock (parent.Power._lock)
                    {
                        var pp = parent.Power;
                        // An active child under an enabled parent that is not active and minds its children is invalid.
                        if (pp._disableDepth == 0 && !pp._ignoreChildren && pp._status != RpmStatus.Active)
                        {
                            _env.Warn(_device, $"runtime PM trying to activate child device {_device.Name} but parent ({parent.Name}) is not active");
                            error = -Errno.EBUSY;
                        }
                        else if (_status == RpmStatus.Suspended)
                        {
                            pp.IncrementChildCount();
                        }
                    }

                    if (error != 0)
                    {
                        status = RpmStatus.Suspended;
                        set = false;
                    }
                }
            }

            if (set)
            {
                UpdateStatus(status);
                if (error == 0)
                {
                    _runtimeError = 0;
                }
            }
        }

        if (notifyParent)
        {
            parent!.Power.RequestIdle();
        }

        if (status == RpmStatus.Suspended)
        {
            PutSuppliers(tryToSuspend: true);
        }

        Enable();
        return error;
    }

    /// <summary>
    /// Flushes pending work: carries out a pending resume request, cancels the timer and other requests (waiting
    /// for a running work item), and waits for any suspend, resume or idle callback in flight.
    /// </summary>
    /// <remarks>Takes the power lock; may sleep. 6.19+: returns nothing (the old result was inherently racy).</remarks>
    // models pm_runtime_barrier()
    [MayRunPmCallbacks]
    public void Barrier()
    {
        Interlocked.Increment(ref _usageCount);
        lock (_lock)
        {
            if (_requestPending && _request == RpmRequest.Resume)
            {
                RpmResume(RpmFlags.None);
            }

            BarrierLocked();
        }

        DecrementUnlessZero(ref _usageCount);
    }

    // models __pm_runtime_barrier(). Caller holds the power lock; it is dropped to cancel the work item.
    private void BarrierLocked()
    {
        AssertLocked();
        DeactivateTimer();
        if (_requestPending)
        {
            _request = RpmRequest.None;
            Monitor.Exit(_lock);
            try
            {
                _env.WorkQueue.CancelSync(_work);
            }
            finally
            {
                Monitor.Enter(_lock);
            }

            _requestPending = false;
        }

        while (_status is RpmStatus.Suspending or RpmStatus.Resuming || _idleNotification)
        {
            Monitor.Wait(_lock);
        }
    }

    /// <summary>Sets whether the device may suspend while children are active (and whether children's transitions notify it).</summary>
    /// <remarks>Takes the power lock; does not sleep.</remarks>
    // models pm_suspend_ignore_children()
    public void IgnoreChildren(bool enable)
    {
        lock (_lock)
        {
            _ignoreChildren = enable;
        }
    }

    /// <summary>Declares that the device has no runtime callbacks of its own: transitions succeed without calling any.</summary>
    /// <remarks>Takes the power lock; does not sleep.</remarks>
    // models pm_runtime_no_callbacks()
    public void NoCallbacks()
    {
        lock (_lock)
        {
            _noCallbacks = true;
        }
    }
}
