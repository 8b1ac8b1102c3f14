using System;

namespace VfioPm.Runtime.Power;

/// <summary>
/// What the kernel keeps global for runtime PM: the clock (for autosuspend and <c>last_busy</c>), the PM workqueue,
/// and the trace of transitions. Devices share the environment of their parent unless given one.
/// </summary>
public sealed class PmEnvironment
{
    private readonly long _startTimestamp;

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

    internal void OnTransition(in RpmTransition transition) => Transition?.Invoke(transition);

    internal void Warn(Device device, string message) => Warning?.Invoke(device, message);
}
