using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text;
using System.Threading;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Linearizability.Checker;
using VfioPm.Runtime.Tests.Linearizability.Model;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Linearizability.RuntimePmApi;

/// <summary>
/// The real runtime under test: a device with runtime suspend and resume callbacks (no idle callback) under a parent
/// whose runtime PM is disabled, on a manual clock and a manual PM workqueue (async requests wait for
/// <see cref="RpmOpKind.RunWork"/>) or the thread-pool one, set active and enabled as a driver's probe leaves it. The scope matches
/// <see cref="RpmModel"/>'s. Every call is stamped on the run's shared clock.
/// </summary>
internal class RpmSubject
{
    private readonly HistoryClock _clock = new();
    private readonly StartLine _startLine = new();
    private readonly ConcurrentQueue<HistoryOp<RpmOpKind>> _executed = new();
    private int _unbalancedEnables;
    private int _ran;
    private int _completed;

    public RpmSubject(bool suspended, bool threadPool = false)
    {
        WorkQueue = threadPool ? new ThreadPoolPmWorkQueue() : new ManualPmWorkQueue();
        var env = new PmEnvironment(new ManualTimeProvider(), WorkQueue);
        env.Warning += (_, message) =>
        {
            if (message.StartsWith("Unbalanced pm_runtime_enable", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _unbalancedEnables);
            }
        };

        Parent = new Device("port", null, env);
        Check(Parent.Power.SetActive()); // its runtime PM stays disabled
        // Callbacks that take a moment, as real ones do, so that other calls meet the device Suspending or Resuming.
        Callbacks = new RecordingCallbacks
        {
            Provides = RuntimePmCallbackKinds.Suspend | RuntimePmCallbackKinds.Resume,
            OnSuspend = _ => Busy(),
            OnResume = _ => Busy(),
        };
        Device = new Device("dev", Parent, env) { Subsystem = Callbacks };
        Check(Device.Power.SetActive());
        Device.Power.Enable();
        if (suspended)
        {
            Check(Device.Power.Suspend());
        }
    }

    public Device Parent { get; }

    public Device Device { get; }

    public RecordingCallbacks Callbacks { get; }

    /// <summary>The PM workqueue: manual (only <see cref="RpmOpKind.RunWork"/> runs it), or the thread pool.</summary>
    public PmWorkQueue WorkQueue { get; }

    public RuntimePm Pm => Device.Power;

    /// <summary>The model of the same starting point.</summary>
    public static RpmModel InitialModel(bool suspended)
    {
        var model = new RpmModel(hasParent: true, hasCallbacks: true);
        Check(model.SetActive());
        model.Enable();
        if (suspended)
        {
            Check(model.SuspendNow());
        }

        return model;
    }

    /// <summary>Calls completed so far (a broken variant waits in its window for another thread's call to complete).</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Whether parallel threads line up before their first call (off for a test that schedules them itself).</summary>
    public bool LineUp { get; set; } = true;

    /// <summary>True once a call ran on this subject (CsCheck also builds subjects it only takes the model from).</summary>
    public bool Ran => Volatile.Read(ref _ran) != 0;

    /// <summary>Makes the call and records it: thread, result, and start and end ticks. Returns true for the first call.</summary>
    public bool Execute(HistoryOp<RpmOpKind> op)
    {
        var first = Interlocked.Exchange(ref _ran, 1) == 0;
        if (LineUp)
        {
            _startLine.Arrive();
        }

        op.ThreadId = Environment.CurrentManagedThreadId;
        op.Start = _clock.Tick();
        op.Result = Call(op.Kind);
        op.End = _clock.Tick();
        _executed.Enqueue(op);
        Interlocked.Increment(ref _completed);
        return first;
    }

    private int _counted;

    /// <summary>True the first time it is called for this subject (CsCheck compares one run with many orders).</summary>
    public bool CountOnce() => Interlocked.Exchange(ref _counted, 1) == 0;

    /// <summary>The calls made, in no particular order.</summary>
    public System.Collections.Generic.IReadOnlyCollection<HistoryOp<RpmOpKind>> Executed => _executed.ToArray();

    /// <summary>What a caller can observe once every thread has joined and the workqueue is idle.</summary>
    /// <remarks>A manual workqueue keeps what is queued (the model knows it as pending); the thread pool is waited for.</remarks>
    public RpmObservation Observe() =>
        WorkQueue is ManualPmWorkQueue || WorkQueue.WaitForIdle(TimeSpan.FromSeconds(60)) ? Snapshot() : throw new TimeoutException("the PM workqueue did not go idle");

    private RpmObservation Snapshot() => new(
        Pm.Status, Pm.UsageCount, Pm.DisableDepth, Pm.RuntimeError, Pm.IsAllowed, Pm.LastStatus, Pm.RequestPending,
        Parent.Power.ChildCount, Callbacks.Suspends, Callbacks.Resumes, Pm.UnderflowWarnings, Volatile.Read(ref _unbalancedEnables));

    /// <summary>The history as it ran (real-time order of starts) and the state it ended in.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var op in _executed.OrderBy(o => o.Start))
        {
            text.Append("\n    ").Append(op);
        }

        return text.Append("\n    final: ").Append(Observe()).ToString();
    }

    /// <summary>One call, with its kernel-style result (0 for void helpers).</summary>
    protected virtual int Call(RpmOpKind kind)
    {
        switch (kind)
        {
            case RpmOpKind.ResumeAndGet: return Pm.ResumeAndGet();
            case RpmOpKind.GetSync: return Pm.GetSync();
            case RpmOpKind.Get: return Pm.Get();
            case RpmOpKind.GetNoResume: Pm.GetNoResume(); return 0;
            case RpmOpKind.GetIfActive: return Pm.GetIfActive();
            case RpmOpKind.GetIfInUse: return Pm.GetIfInUse();
            case RpmOpKind.Put: return Pm.Put();
            case RpmOpKind.PutNoIdle: Pm.PutNoIdle(); return 0;
            case RpmOpKind.PutSync: return Pm.PutSync();
            case RpmOpKind.PutAutosuspend: return Pm.PutAutosuspend();
            case RpmOpKind.Idle: return Pm.Idle();
            case RpmOpKind.Suspend: return Pm.Suspend();
            case RpmOpKind.Resume: return Pm.Resume();
            case RpmOpKind.Allow: Pm.Allow(); return 0;
            case RpmOpKind.Forbid: Pm.Forbid(); return 0;
            case RpmOpKind.Disable: Pm.Disable(); return 0;
            case RpmOpKind.Enable: Pm.Enable(); return 0;
            case RpmOpKind.Barrier: Pm.Barrier(); return 0;
            case RpmOpKind.RunWork: return ((ManualPmWorkQueue)WorkQueue).RunUntilIdle();
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>The model's steps for the same call.</summary>
    public static System.Collections.Generic.IEnumerable<ModelStep> ModelSteps(RpmModel m, RpmOpKind kind, ResultCell r) => kind switch
    {
        RpmOpKind.ResumeAndGet => m.ResumeAndGetSteps(r),
        RpmOpKind.GetSync => m.GetSyncSteps(r),
        RpmOpKind.Get => m.GetSteps(r),
        RpmOpKind.GetNoResume => m.GetNoResumeSteps(r),
        RpmOpKind.GetIfActive => m.GetIfActiveSteps(r),
        RpmOpKind.GetIfInUse => m.GetIfInUseSteps(r),
        RpmOpKind.Put => m.PutSteps(r),
        RpmOpKind.PutNoIdle => m.PutNoIdleSteps(r),
        RpmOpKind.PutSync => m.PutSyncSteps(r),
        RpmOpKind.PutAutosuspend => m.PutAutosuspendSteps(r),
        RpmOpKind.Idle => m.IdleSteps(r),
        RpmOpKind.Suspend => m.SuspendSteps(r),
        RpmOpKind.Resume => m.ResumeSteps(r),
        RpmOpKind.Allow => m.AllowSteps(r),
        RpmOpKind.Forbid => m.ForbidSteps(r),
        RpmOpKind.Disable => m.DisableSteps(r),
        RpmOpKind.Enable => m.EnableSteps(r),
        RpmOpKind.Barrier => m.BarrierSteps(r),
        RpmOpKind.RunWork => m.RunWorkSteps(r),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static int Busy()
    {
        Thread.SpinWait(100);
        return 0;
    }

    private static void Check(int result)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"setup failed: {Errno.Describe(result)}");
        }
    }
}
