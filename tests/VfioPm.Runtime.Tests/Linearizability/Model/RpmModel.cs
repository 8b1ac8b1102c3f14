using System;
using System.Collections.Generic;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.Linearizability.Model;

/// <summary>
/// The sequential reference model of one device's runtime PM, written from spec §4 (kernel-semantics.md) and not from
/// <see cref="RuntimePm"/>: the fields of <c>struct dev_pm_info</c> it needs, <c>rpm_check_suspend_allowed</c>,
/// <c>rpm_idle</c>, <c>rpm_suspend</c>, <c>rpm_resume</c> and the API helpers over them (RpmModel.Api.cs).
/// </summary>
/// <remarks>
/// <para>Scope, kept small on purpose: one device, optionally under a parent whose runtime PM is disabled (so the
/// parent is never resumed or suspended and only counts the device in its <c>child_count</c>, §4.6/§4.14); runtime
/// suspend and resume callbacks that return a configured value, or none at all (a missing callback is success,
/// §4.7); no idle callback, so <c>rpm_idle</c> goes straight to <c>rpm_suspend(RPM_AUTO)</c>; no autosuspend, no
/// timer, no QoS, no device links, no <c>no_callbacks</c>, no <c>irq_safe</c>. Async requests wait for
/// <see cref="RunWork"/>, the PM workqueue's worker (§4.10).</para>
/// <para>Every operation is an iterator of <see cref="ModelStep"/>: code between two yields is one atomic segment, as
/// in the kernel (under <c>power.lock</c>, or a lone atomic on the usage count). Run sequentially
/// (<see cref="Sequential.Run"/>) it is the plain sequential model; the linearizability checker interleaves the
/// segments of concurrent operations.</para>
/// </remarks>
internal sealed partial class RpmModel
{
    /// <summary>Async request kinds (<c>enum rpm_request</c>); the order matters to <c>rpm_idle</c>.</summary>
    internal enum Request
    {
        None = 0,
        Idle = 1,
        Suspend = 2,
        Autosuspend = 3,
        Resume = 4,
    }

    /// <summary><c>rpmflags</c>.</summary>
    [Flags]
    internal enum Flags
    {
        None = 0,
        Async = 0x01,
        NoWait = 0x02,
        GetPut = 0x04,
        Auto = 0x08,
    }

    // dev->power (pm_runtime_init: SUSPENDED, disable_depth 1, usage 0, runtime_auto true, last_status INVALID).
    public RpmStatus Status = RpmStatus.Suspended;
    public int Usage;
    public int Depth = 1;
    public int Error;
    public bool Auto = true;
    public RpmStatus? LastStatus;
    public bool RequestPending;

    // The work item (a work_struct on pm_wq): queued, and whether a worker is running it.
    public bool ItemQueued;
    public bool WorkerRunning;
    public Request Pending = Request.None;
    public bool DeferredResume;

    // The parent (runtime PM disabled): only its child_count moves.
    public int ParentChildCount;

    // What the callbacks return, and what a caller can count from outside.
    public int SuspendCallbackResult;
    public int ResumeCallbackResult;
    public int Suspends;
    public int Resumes;
    public int Underflows;
    public int UnbalancedEnables;

    public RpmModel(bool hasParent, bool hasCallbacks)
    {
        HasParent = hasParent;
        HasCallbacks = hasCallbacks;
    }

    public bool HasParent { get; }

    /// <summary>Whether the device has runtime suspend/resume callbacks (counted, returning the configured results).</summary>
    public bool HasCallbacks { get; set; }

    /// <summary>A copy of this state (every field is a value).</summary>
    public RpmModel Copy() => (RpmModel)MemberwiseClone();

    /// <summary>The state a caller can observe, for comparison with the runtime.</summary>
    public RpmObservation Observe() => new(Status, Usage, Depth, Error, Auto, LastStatus,
        RequestPending && Pending != Request.None, ParentChildCount, Suspends, Resumes, Underflows, UnbalancedEnables);

    /// <inheritdoc/>
    public override string ToString() => Observe().ToString();

    // §4.3 rpm_check_suspend_allowed: the first match wins. The device has no children of its own and no QoS limit.
    private int CheckSuspendAllowed()
    {
        if (Error != 0)
        {
            return -Errno.EINVAL;
        }

        if (Depth > 0)
        {
            return -Errno.EACCES;
        }

        if (Usage != 0)
        {
            return -Errno.EAGAIN;
        }

        if ((DeferredResume && Status == RpmStatus.Suspending) || (RequestPending && Pending == Request.Resume))
        {
            return -Errno.EAGAIN;
        }

        return Status == RpmStatus.Suspended ? 1 : 0;
    }

    // §4.4 rpm_idle. No idle callback: success, so straight on to rpm_suspend(flags | RPM_AUTO).
    private IEnumerable<ModelStep> Idle(Flags flags, ResultCell result)
    {
        var r = CheckSuspendAllowed();
        if (r < 0)
        {
        }
        else if ((flags & Flags.GetPut) != 0 && r == 1)
        {
            // 6.18+: a put on an already suspended device reports 1.
        }
        else if (Status != RpmStatus.Active)
        {
            r = -Errno.EAGAIN;
        }
        else if (RequestPending && Pending > Request.Idle)
        {
            r = -Errno.EAGAIN;
        }

        if (r != 0)
        {
            result.Value = r;
            yield break;
        }

        Pending = Request.None;
        foreach (var step in Suspend(flags | Flags.Auto, result))
        {
            yield return step;
        }
    }

    // §4.5 rpm_suspend (autosuspend is off, so RPM_AUTO never defers).
    private IEnumerable<ModelStep> Suspend(Flags flags, ResultCell result)
    {
        var async = (flags & Flags.Async) != 0;
        while (true)
        {
            var r = CheckSuspendAllowed();
            if (r < 0)
            {
                result.Value = r;
                yield break;
            }

            if (Status == RpmStatus.Resuming && !async)
            {
                r = -Errno.EAGAIN;
            }

            if (r != 0)
            {
                result.Value = r;
                yield break;
            }

            Pending = Request.None; // cancel pending requests

            if (Status == RpmStatus.Suspending)
            {
                if ((flags & (Flags.Async | Flags.NoWait)) != 0)
                {
                    result.Value = -Errno.EINPROGRESS;
                    yield break;
                }

                foreach (var step in WaitWhile(() => Status == RpmStatus.Suspending))
                {
                    yield return step;
                }

                continue;
            }

            if (async)
            {
                Pending = (flags & Flags.Auto) != 0 ? Request.Autosuspend : Request.Suspend;
                QueueWork();
                result.Value = 0;
                yield break;
            }

            Status = RpmStatus.Suspending;
            yield return ModelStep.Boundary; // the callback runs with the lock dropped

            var callback = CallSuspend();
            Error = callback; // rpm_callback latches the result
            r = callback == -Errno.EACCES ? -Errno.EIO : callback;
            if (r != 0)
            {
                Status = RpmStatus.Active;
                DeferredResume = false;
                if (callback == -Errno.EAGAIN || callback == -Errno.EBUSY)
                {
                    Error = 0; // not fatal
                }
                else
                {
                    Pending = Request.None;
                }

                result.Value = r;
                yield break;
            }

            Status = RpmStatus.Suspended;
            if (HasParent)
            {
                ParentChildCount = Math.Max(0, ParentChildCount - 1);
            }

            if (DeferredResume)
            {
                DeferredResume = false;
                foreach (var step in Resume(Flags.None, new ResultCell()))
                {
                    yield return step;
                }

                result.Value = -Errno.EAGAIN;
                yield break;
            }

            // The parent's async idle: its runtime PM is disabled, so it refuses and nothing changes.
            result.Value = 0;
            yield break;
        }
    }

    // §4.6 rpm_resume (the parent has runtime PM disabled: not resumed, only held for the duration).
    private IEnumerable<ModelStep> Resume(Flags flags, ResultCell result)
    {
        var async = (flags & Flags.Async) != 0;
        var parentTaken = false;
        var r = 0;
        while (true)
        {
            if (Error != 0)
            {
                r = -Errno.EINVAL;
            }
            else if (Depth > 0)
            {
                r = Status == RpmStatus.Active && LastStatus == RpmStatus.Active ? 1 : -Errno.EACCES;
            }

            if (r != 0)
            {
                break;
            }

            Pending = Request.None; // other requests are cancelled

            if (Status == RpmStatus.Active)
            {
                r = 1;
                break;
            }

            if (Status is RpmStatus.Resuming or RpmStatus.Suspending)
            {
                if ((flags & (Flags.Async | Flags.NoWait)) != 0)
                {
                    if (Status == RpmStatus.Suspending)
                    {
                        DeferredResume = true;
                        if ((flags & Flags.NoWait) != 0)
                        {
                            r = -Errno.EINPROGRESS;
                        }
                    }
                    else
                    {
                        r = -Errno.EINPROGRESS;
                    }

                    break;
                }

                foreach (var step in WaitWhile(() => Status is RpmStatus.Resuming or RpmStatus.Suspending))
                {
                    yield return step;
                }

                continue;
            }

            if (async)
            {
                Pending = Request.Resume;
                QueueWork();
                r = 0;
                break;
            }

            if (HasParent && !parentTaken)
            {
                // The lock is dropped to take a reference on the parent (disabled: not resumed), then the loop
                // starts over.
                parentTaken = true;
                yield return ModelStep.Boundary;
                continue;
            }

            Status = RpmStatus.Resuming;
            yield return ModelStep.Boundary; // the callback runs with the lock dropped

            var callback = CallResume();
            Error = callback;
            r = callback == -Errno.EACCES ? -Errno.EIO : callback;
            if (r != 0)
            {
                Status = RpmStatus.Suspended;
                Pending = Request.None;
            }
            else
            {
                Status = RpmStatus.Active;
                if (HasParent)
                {
                    ParentChildCount++;
                }

                foreach (var step in Idle(Flags.Async, new ResultCell()))
                {
                    yield return step;
                }
            }

            break;
        }

        // A parent reference taken above is put with the lock dropped; the disabled parent does not change.
        result.Value = r;
    }

    // A synchronous caller that meets a transition in flight drops the lock and waits for it to end, then starts over.
    // The segment so far is committed first (Boundary); each later try changes nothing until the status moves (Wait).
    private IEnumerable<ModelStep> WaitWhile(Func<bool> inFlight)
    {
        yield return ModelStep.Boundary;
        while (inFlight())
        {
            yield return ModelStep.Wait;
        }
    }

    // __pm_runtime_barrier: cancel a pending request (dropping the lock to cancel the work item), then wait for any
    // transition in flight.
    private IEnumerable<ModelStep> BarrierLocked()
    {
        if (RequestPending)
        {
            Pending = Request.None;
            yield return ModelStep.Boundary; // cancel_work_sync with the lock dropped: dequeue, wait for a running worker
            ItemQueued = false;
            if (WorkerRunning)
            {
                yield return ModelStep.Boundary;
                while (WorkerRunning)
                {
                    yield return ModelStep.Wait;
                }
            }

            yield return ModelStep.Boundary; // the lock taken again
            RequestPending = false;
        }

        if (Status is RpmStatus.Suspending or RpmStatus.Resuming)
        {
            foreach (var step in WaitWhile(() => Status is RpmStatus.Suspending or RpmStatus.Resuming))
            {
                yield return step;
            }
        }
    }

    // The request half of an async rpm_*: a new request overwrites the recorded one; the item is queued only if no
    // request was pending (queue_work() on an already queued item does nothing).
    private void QueueWork()
    {
        if (!RequestPending)
        {
            RequestPending = true;
            ItemQueued = true;
        }
    }

    // rpm_drop_usage_count (5.19+): refuses to go below 0, warns, -EINVAL.
    private int DropUsage()
    {
        if (Usage == 0)
        {
            Underflows++;
            return -Errno.EINVAL;
        }

        return --Usage;
    }

    // atomic_add_unless(&usage_count, -1, 0)
    private void DropUsageUnlessZero()
    {
        if (Usage > 0)
        {
            Usage--;
        }
    }

    private int CallSuspend()
    {
        if (!HasCallbacks)
        {
            return 0;
        }

        Suspends++;
        return SuspendCallbackResult;
    }

    private int CallResume()
    {
        if (!HasCallbacks)
        {
            return 0;
        }

        Resumes++;
        return ResumeCallbackResult;
    }
}
