using VfioPm.Runtime.Power;
using System.Collections.Generic;

namespace VfioPm.Runtime.Tests.Linearizability.Model;

// The helpers of pm_runtime.h (spec §4.8, §4.9, §4.12) over rpm_idle/rpm_suspend/rpm_resume. Each helper is an
// iterator of atomic segments (ModelStep.cs); the ones a test calls directly have a sequential form below that runs
// to the end and returns the kernel's int (void helpers return 0).
internal sealed partial class RpmModel
{
    // __pm_runtime_idle / __pm_runtime_suspend with RPM_GET_PUT: the lock-free drop is its own segment; only a drop
    // that reaches 0 goes on, under the lock, to the state machine. Otherwise 0 (still in use) or -EINVAL (underflow).
    private IEnumerable<ModelStep> PutThen(Flags flags, bool idle, ResultCell result)
    {
        var remaining = DropUsage();
        if (remaining != 0)
        {
            result.Value = remaining < 0 ? remaining : 0;
            yield break;
        }

        yield return ModelStep.Boundary;
        foreach (var step in idle ? Idle(flags | Flags.GetPut, result) : Suspend(flags | Flags.GetPut, result))
        {
            yield return step;
        }
    }

    // __pm_runtime_resume with RPM_GET_PUT: the count goes up first (its own atomic), and stays up whatever happens.
    private IEnumerable<ModelStep> GetThen(Flags flags, ResultCell result)
    {
        Usage++;
        yield return ModelStep.Boundary;
        foreach (var step in Resume(flags | Flags.GetPut, result))
        {
            yield return step;
        }
    }

    /// <summary>pm_runtime_get_sync: +1 always; 0 resumed, 1 already active, or an error.</summary>
    public IEnumerable<ModelStep> GetSyncSteps(ResultCell result) => GetThen(Flags.None, result);

    /// <summary>pm_runtime_get: +1 always; resume queued (0), 1 already active, or an error.</summary>
    public IEnumerable<ModelStep> GetSteps(ResultCell result) => GetThen(Flags.Async, result);

    /// <summary>pm_runtime_resume_and_get: +1 only on success; 0 on success, else the error.</summary>
    public IEnumerable<ModelStep> ResumeAndGetSteps(ResultCell result)
    {
        foreach (var step in GetThen(Flags.None, result))
        {
            yield return step;
        }

        if (result.Value < 0)
        {
            yield return ModelStep.Boundary; // put_noidle after the lock is released
            DropUsageUnlessZero();
            yield break;
        }

        result.Value = 0;
    }

    /// <summary>pm_runtime_get_noresume.</summary>
    public IEnumerable<ModelStep> GetNoResumeSteps(ResultCell result)
    {
        Usage++;
        result.Value = 0;
        yield break;
    }

    /// <summary>pm_runtime_get_if_active (one-argument form): locked; -EINVAL disabled, 0 not active, else +1 and 1.</summary>
    public IEnumerable<ModelStep> GetIfActiveSteps(ResultCell result)
    {
        result.Value = GetConditional(ignoreUsage: true);
        yield break;
    }

    /// <summary>pm_runtime_get_if_in_use: as get_if_active, but only when the count is already above 0.</summary>
    public IEnumerable<ModelStep> GetIfInUseSteps(ResultCell result)
    {
        result.Value = GetConditional(ignoreUsage: false);
        yield break;
    }

    private int GetConditional(bool ignoreUsage)
    {
        if (Depth > 0)
        {
            return -Errno.EINVAL;
        }

        if (Status != RpmStatus.Active)
        {
            return 0;
        }

        if (!ignoreUsage && Usage == 0)
        {
            return 0;
        }

        Usage++;
        return 1;
    }

    /// <summary>pm_runtime_put: -1; at 0 an async idle.</summary>
    public IEnumerable<ModelStep> PutSteps(ResultCell result) => PutThen(Flags.Async, idle: true, result);

    /// <summary>pm_runtime_put_sync: -1; at 0 a synchronous idle.</summary>
    public IEnumerable<ModelStep> PutSyncSteps(ResultCell result) => PutThen(Flags.None, idle: true, result);

    /// <summary>pm_runtime_put_autosuspend: -1; at 0 an async autosuspend.</summary>
    public IEnumerable<ModelStep> PutAutosuspendSteps(ResultCell result) => PutThen(Flags.Async | Flags.Auto, idle: false, result);

    /// <summary>pm_runtime_put_sync_autosuspend: -1; at 0 a synchronous autosuspend.</summary>
    public IEnumerable<ModelStep> PutSyncAutosuspendSteps(ResultCell result) => PutThen(Flags.Auto, idle: false, result);

    /// <summary>pm_runtime_put_noidle: -1 unless 0.</summary>
    public IEnumerable<ModelStep> PutNoIdleSteps(ResultCell result)
    {
        DropUsageUnlessZero();
        result.Value = 0;
        yield break;
    }

    /// <summary>pm_runtime_idle.</summary>
    public IEnumerable<ModelStep> IdleSteps(ResultCell result) => Idle(Flags.None, result);

    /// <summary>pm_request_idle.</summary>
    public IEnumerable<ModelStep> RequestIdleSteps(ResultCell result) => Idle(Flags.Async, result);

    /// <summary>pm_runtime_suspend.</summary>
    public IEnumerable<ModelStep> SuspendSteps(ResultCell result) => Suspend(Flags.None, result);

    /// <summary>pm_runtime_autosuspend (autosuspend off: a suspend with RPM_AUTO).</summary>
    public IEnumerable<ModelStep> AutosuspendSteps(ResultCell result) => Suspend(Flags.Auto, result);

    /// <summary>pm_request_autosuspend.</summary>
    public IEnumerable<ModelStep> RequestAutosuspendSteps(ResultCell result) => Suspend(Flags.Async | Flags.Auto, result);

    /// <summary>pm_runtime_resume.</summary>
    public IEnumerable<ModelStep> ResumeSteps(ResultCell result) => Resume(Flags.None, result);

    /// <summary>pm_request_resume.</summary>
    public IEnumerable<ModelStep> RequestResumeSteps(ResultCell result) => Resume(Flags.Async, result);

    /// <summary>pm_runtime_allow (§4.12): locked; drop forbid's reference, at 0 an async idle.</summary>
    public IEnumerable<ModelStep> AllowSteps(ResultCell result)
    {
        result.Value = 0;
        if (Auto)
        {
            yield break;
        }

        Auto = true;
        if (DropUsage() == 0)
        {
            foreach (var step in Idle(Flags.Auto | Flags.Async, new ResultCell()))
            {
                yield return step;
            }
        }
    }

    /// <summary>pm_runtime_forbid (§4.12): locked; take a reference and resume synchronously.</summary>
    public IEnumerable<ModelStep> ForbidSteps(ResultCell result)
    {
        result.Value = 0;
        if (!Auto)
        {
            yield break;
        }

        Auto = false;
        Usage++;
        foreach (var step in Resume(Flags.None, new ResultCell()))
        {
            yield return step;
        }
    }

    /// <summary>pm_runtime_enable (§4.12): an unbalanced enable only warns; the status is left alone.</summary>
    public IEnumerable<ModelStep> EnableSteps(ResultCell result)
    {
        result.Value = 0;
        if (Depth == 0)
        {
            UnbalancedEnables++;
            yield break;
        }

        if (--Depth == 0)
        {
            LastStatus = null;
        }
    }

    /// <summary>pm_runtime_disable (§4.12): carry out a pending resume first; the first disable flushes and records last_status.</summary>
    public IEnumerable<ModelStep> DisableSteps(ResultCell result)
    {
        result.Value = 0;
        if (Depth > 0)
        {
            Depth++;
            yield break;
        }

        if (RequestPending && Pending == Request.Resume)
        {
            Usage++;
            foreach (var step in Resume(Flags.None, new ResultCell()))
            {
                yield return step;
            }

            DropUsageUnlessZero();
        }

        if (Depth++ == 0)
        {
            foreach (var step in BarrierLocked())
            {
                yield return step;
            }

            LastStatus = Status;
        }
    }

    /// <summary>pm_runtime_barrier (6.19: void): a temporary reference, a pending resume carried out, the rest flushed.</summary>
    public IEnumerable<ModelStep> BarrierSteps(ResultCell result)
    {
        result.Value = 0;
        Usage++;
        yield return ModelStep.Boundary;
        if (RequestPending && Pending == Request.Resume)
        {
            foreach (var step in Resume(Flags.None, new ResultCell()))
            {
                yield return step;
            }
        }

        foreach (var step in BarrierLocked())
        {
            yield return step;
        }

        yield return ModelStep.Boundary; // the reference is dropped after the lock is released
        DropUsageUnlessZero();
    }

    /// <summary>
    /// __pm_runtime_set_status (§4.11), for a device whose parent is disabled: allowed only while runtime PM is
    /// disabled or an error is latched; clears the error.
    /// </summary>
    public IEnumerable<ModelStep> SetStatusSteps(RpmStatus status, ResultCell result)
    {
        if (Error == 0 && Depth == 0)
        {
            result.Value = -Errno.EAGAIN;
            yield break;
        }

        if (HasParent && Status != status)
        {
            ParentChildCount = status == RpmStatus.Active ? ParentChildCount + 1 : System.Math.Max(0, ParentChildCount - 1);
        }

        Status = status;
        Error = 0;
        result.Value = 0;
    }

    /// <summary>
    /// A manual PM workqueue pumped until idle on the caller's thread: the queued work item runs
    /// (<see cref="WorkItemSteps"/>) until it is no longer queued. Returns how many times it ran.
    /// </summary>
    public IEnumerable<ModelStep> RunWorkSteps(ResultCell result)
    {
        var ran = 0;
        while (ItemQueued && ran < 1000)
        {
            ran++;
            foreach (var step in WorkItemSteps())
            {
                yield return step;
            }
        }

        result.Value = ran;
    }

    /// <summary>Whether a worker may start running the work item now (it is queued and not running).</summary>
    public bool WorkReady => ItemQueued && !WorkerRunning;

    /// <summary>
    /// One run of the work item (§4.10 pm_runtime_work): the workqueue takes it off the queue, then under the lock
    /// the recorded request is taken and carried out with RPM_NOWAIT (nothing if the request was cancelled).
    /// </summary>
    public IEnumerable<ModelStep> WorkItemSteps()
    {
        ItemQueued = false;
        WorkerRunning = true;
        yield return ModelStep.Boundary;
        if (RequestPending)
        {
            var request = Pending;
            Pending = Request.None;
            RequestPending = false;
            var ignored = new ResultCell();
            var steps = request switch
            {
                Request.Idle => Idle(Flags.NoWait, ignored),
                Request.Suspend => Suspend(Flags.NoWait, ignored),
                Request.Autosuspend => Suspend(Flags.NoWait | Flags.Auto, ignored),
                Request.Resume => Resume(Flags.NoWait, ignored),
                _ => Nothing(),
            };

            foreach (var step in steps)
            {
                yield return step;
            }
        }

        yield return ModelStep.Boundary;
        WorkerRunning = false;
    }

    private static IEnumerable<ModelStep> Nothing()
    {
        yield break;
    }

    // ---- the sequential forms ------------------------------------------------------------------------------------

    public int Call(System.Func<ResultCell, IEnumerable<ModelStep>> operation)
    {
        var result = new ResultCell();
        Sequential.Run(operation(result));
        return result.Value;
    }

    public int GetSync() => Call(GetSyncSteps);

    public int Get() => Call(GetSteps);

    public int ResumeAndGet() => Call(ResumeAndGetSteps);

    public void GetNoResume() => Call(GetNoResumeSteps);

    public int GetIfActive() => Call(GetIfActiveSteps);

    public int GetIfInUse() => Call(GetIfInUseSteps);

    public int Put() => Call(PutSteps);

    public int PutSync() => Call(PutSyncSteps);

    public int PutAutosuspend() => Call(PutAutosuspendSteps);

    public int PutSyncAutosuspend() => Call(PutSyncAutosuspendSteps);

    public void PutNoIdle() => Call(PutNoIdleSteps);

    public int IdleNow() => Call(IdleSteps);

    public int RequestIdle() => Call(RequestIdleSteps);

    public int SuspendNow() => Call(SuspendSteps);

    public int Autosuspend() => Call(AutosuspendSteps);

    public int RequestAutosuspend() => Call(RequestAutosuspendSteps);

    public int ResumeNow() => Call(ResumeSteps);

    public int RequestResume() => Call(RequestResumeSteps);

    public void Allow() => Call(AllowSteps);

    public void Forbid() => Call(ForbidSteps);

    public void Enable() => Call(EnableSteps);

    public void Disable() => Call(DisableSteps);

    public void Barrier() => Call(BarrierSteps);

    public int SetActive() => Call(r => SetStatusSteps(RpmStatus.Active, r));

    public int SetSuspended() => Call(r => SetStatusSteps(RpmStatus.Suspended, r));

    public int RunWork() => Call(RunWorkSteps);
}
