using System;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;

namespace VfioPm.Runtime.Power;

/// <summary>
/// What the kernel keeps global for runtime PM: the clock (for autosuspend and <c>last_busy</c>), the PM workqueue,
/// and the trace of transitions. Devices share the environment of their parent unless given one.
/// </summary>
public sealed class PmEnvironment
{
    private readonly long _startTimestamp;

    // The attached trace sinks, or null when there are none: the one field the runtime's hot paths test before
    // building an event (like a tracepoint's static key). Replaced whole under _traceGate, read without it.
    private TraceSinks? _traceSinksBox;
    private readonly object _traceGate = new();

    // Every device's runtime-PM state, held weakly: attaching the first sink switches their tracepoints on.
    private readonly ConditionalWeakTable<RuntimePm, object?> _members = new();

    /// <summary>Creates an environment over <paramref name="time"/> and <paramref name="workQueue"/>.</summary>
    public PmEnvironment(TimeProvider time, PmWorkQueue workQueue)
    {
        Time = time ?? throw new ArgumentNullException(nameof(time));
        WorkQueue = workQueue ?? throw new ArgumentNullException(nameof(workQueue));
        _startTimestamp = time.GetTimestamp();
    }

    /// <summary>The process-wide default: system clock and the thread pool.</summary>
    public static PmEnvironment Default { get; } = new(TimeProvider.System, new ThreadPoolPmWorkQueue());

    /// <summary>A new environment with a <see cref="ManualTimeProvider"/> and a <see cref="ManualPmWorkQueue"/>: nothing happens until the test moves it.</summary>
    public static PmEnvironment CreateDeterministic() => new(new ManualTimeProvider(), new ManualPmWorkQueue());

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The PM workqueue.</summary>
    public PmWorkQueue WorkQueue { get; }

    /// <summary>
    /// Raised on every runtime-PM status change, under the device's power lock (like a tracepoint):
    /// handlers must be quick and must not call runtime-PM functions.
    /// </summary>
    public event Action<RpmTransition>? Transition;

    /// <summary>Raised for the core's warnings (<c>dev_warn</c>): usage-count underflow, unbalanced enable, and the like.</summary>
    public event Action<Device, string>? Warning;

    /// <summary>Monotonic time since this environment was created.</summary>
    public TimeSpan Now => Time.GetElapsedTime(_startTimestamp);

    /// <summary>The monotonic clock in nanoseconds (<c>ktime_get_mono_fast_ns</c>); never 0 is not guaranteed, only monotonic.</summary>
    internal long MonotonicNs => Now.Ticks * 100;

    /// <summary>True while at least one trace sink is attached.</summary>
    public bool IsTracing => Volatile.Read(ref _traceSinksBox) is not null;

    /// <summary>
    /// Attaches <paramref name="sink"/> to every runtime-PM tracepoint of the devices in this environment (the kernel's
    /// <c>events/rpm/enable</c>) until the returned handle is disposed.
    /// </summary>
    /// <remarks>
    /// While no sink is attached a tracepoint costs a test of a flag on the device, and a get on an Active device is not
    /// slowed at all. While one is, such a get takes the power lock instead of the lock-free fast path, so that it emits
    /// <c>rpm_resume</c> and <c>rpm_return_int</c> as the kernel's <c>__pm_runtime_resume()</c> does; results are the same
    /// either way. Attaching takes each device's power lock in turn: do not call it from a callback or a sink.
    /// </remarks>
    /// <returns>A handle whose <c>Dispose</c> detaches the sink.</returns>
    public IDisposable AttachTraceSink(IRpmTraceSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_traceGate)
        {
            var first = _traceSinksBox is null;
            var sinks = _traceSinksBox?.Sinks ?? ImmutableArray<IRpmTraceSink>.Empty;
            Volatile.Write(ref _traceSinksBox, new TraceSinks(sinks.Add(sink)));
            if (first)
            {
                SetTraced(true);
            }
        }

        return new TraceAttachment(this, sink);
    }

    // Called by each RuntimePm as it is built: joins the devices whose tracepoints follow the sinks, and says whether
    // they are on now. Registering before reading means a device built during an attach is switched on either here or
    // by the attach's walk.
    internal bool Register(RuntimePm member)
    {
        _members.Add(member, null);
        return Volatile.Read(ref _traceSinksBox) is not null;
    }

    // Caller holds _traceGate (so switching on and off never interleave); takes each device's power lock in turn.
    private void SetTraced(bool traced)
    {
        foreach (var member in _members)
        {
            member.Key.SetTraced(traced);
        }
    }

    /// <summary>The attached sinks, or null when none (tested on every traced path).</summary>
    internal TraceSinks? Tracing
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _traceSinksBox;
    }

    private void Detach(IRpmTraceSink sink)
    {
        lock (_traceGate)
        {
            if (_traceSinksBox is { } current)
            {
                var left = current.Sinks.Remove(sink);
                Volatile.Write(ref _traceSinksBox, left.IsEmpty ? null : new TraceSinks(left));
                if (left.IsEmpty)
                {
                    SetTraced(false);
                }
            }
        }
    }

    internal void OnTransition(in RpmTransition transition) => Transition?.Invoke(transition);

    internal void Warn(Device device, string message) => Warning?.Invoke(device, message);

    /// <summary>An immutable set of attached sinks; a class so the hot paths test one reference.</summary>
    internal sealed class TraceSinks(ImmutableArray<IRpmTraceSink> sinks)
    {
        public ImmutableArray<IRpmTraceSink> Sinks { get; } = sinks;

        public void Write(in RpmTraceEvent e)
        {
            foreach (var sink in Sinks)
            {
                sink.Write(e);
            }
        }
    }

    private sealed class TraceAttachment(PmEnvironment environment, IRpmTraceSink sink) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                environment.Detach(sink);
            }
        }
    }
}
