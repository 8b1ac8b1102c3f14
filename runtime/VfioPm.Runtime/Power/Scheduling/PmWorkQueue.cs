using System;
using System.Threading;

namespace VfioPm.Runtime.Power;

/// <summary>
/// The PM workqueue (<c>pm_wq</c>) that runs asynchronous runtime-PM requests and idle notifications.
/// Two implementations: <see cref="ThreadPoolPmWorkQueue"/> (real threads) and <see cref="ManualPmWorkQueue"/>
/// (runs only when a test pumps it, so async behaviour is deterministic).
/// </summary>
public abstract class PmWorkQueue
{
    private protected readonly object Gate = new();
    private int _pending;
    private int _running;

    // True on a thread while it runs a PM work item (the kernel's kworker context); read by the tracepoints.
    [ThreadStatic]
    private static bool t_inWork;

    /// <summary>True on a thread while it runs a PM work item.</summary>
    internal static bool InWork => t_inWork;

    /// <summary>Number of queued items not yet started.</summary>
    public int PendingCount => Volatile.Read(ref _pending);

    /// <summary>True when nothing is queued or running.</summary>
    public bool IsIdle
    {
        get
        {
            lock (Gate)
            {
                return _pending == 0 && _running == 0;
            }
        }
    }

    // models queue_work(): a no-op while the item is already pending.
    internal void Queue(PmWork work)
    {
        lock (Gate)
        {
            if (work.Pending)
            {
                return;
            }

            work.Pending = true;
            _pending++;
        }

        Dispatch(work);
    }

    // models cancel_work_sync(): drop a queued instance and wait for a running one to finish.
    // Must be called without the device's power lock held (the running item takes it).
    internal void CancelSync(PmWork work)
    {
        lock (Gate)
        {
            if (work.Pending)
            {
                work.Pending = false;
                _pending--;
                Monitor.PulseAll(Gate);
            }

            while (work.Runner is not null && work.Runner != Thread.CurrentThread)
            {
                Monitor.Wait(Gate);
            }
        }
    }

    /// <summary>Hands a newly pending item to the executor; <see cref="RunIfPending"/> runs it.</summary>
    private protected abstract void Dispatch(PmWork work);

    /// <summary>Runs the item if it is still pending (it may have been cancelled); returns whether it ran.</summary>
    private protected bool RunIfPending(PmWork work)
    {
        lock (Gate)
        {
            if (!work.Pending)
            {
                return false;
            }

            // Workqueues are non-reentrant: an item re-queued while it runs waits for the running instance.
            while (work.Runner is not null)
            {
                Monitor.Wait(Gate);
                if (!work.Pending)
                {
                    return false;
                }
            }

            work.Pending = false;
            _pending--;
            work.Runner = Thread.CurrentThread;
            _running++;
        }

        var outer = t_inWork;
        t_inWork = true;
        try
        {
            work.Execute();
        }
        finally
        {
            t_inWork = outer;
            lock (Gate)
            {
                work.Runner = null;
                _running--;
                Monitor.PulseAll(Gate);
            }
        }

        return true;
    }

    /// <summary>Blocks until nothing is queued or running, or the timeout passes; returns whether it drained.</summary>
    /// <remarks>For <see cref="ManualPmWorkQueue"/> use <see cref="ManualPmWorkQueue.RunUntilIdle"/> instead: nothing runs by itself.</remarks>
    public bool WaitForIdle(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (Gate)
        {
            while (_pending != 0 || _running != 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(Gate, left);
            }
        }

        return true;
    }
}
