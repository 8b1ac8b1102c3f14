using System;
using System.Collections.Generic;
using System.Threading;

namespace VfioPm.Runtime.Power;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when <see cref="Advance"/> is called. Timers due within the
/// advanced span fire in due-time order on the advancing thread, each with the clock set to its due time, so
/// autosuspend and other timed behaviour replay exactly.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = new();
    private readonly DateTimeOffset _epoch;
    private long _nowTicks;
    private long _sequence;

    /// <summary>Creates a clock reading <paramref name="start"/> (default: 2026-01-01 UTC) with the monotonic timestamp at 0.</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) =>
        _epoch = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Time elapsed since creation.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _nowTicks));

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override long GetTimestamp() => Interlocked.Read(ref _nowTicks);

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _epoch + Elapsed;

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), "The clock only moves forward.");
        }

        var target = Interlocked.Read(ref _nowTicks) + delta.Ticks;
        while (true)
        {
            ManualTimer? next = null;
            lock (_gate)
            {
                foreach (var t in _timers)
                {
                    if (t.DueTicks <= target && (next is null || t.DueTicks < next.DueTicks || (t.DueTicks == next.DueTicks && t.Sequence < next.Sequence)))
                    {
                        next = t;
                    }
                }

                if (next is null)
                {
                    Interlocked.Exchange(ref _nowTicks, Math.Max(target, _nowTicks));
                    return;
                }

                Interlocked.Exchange(ref _nowTicks, Math.Max(next.DueTicks, _nowTicks));
                next.Fired();
            }

            next.Invoke();
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Arm(ManualTimer timer, long dueTicks)
    {
        lock (_gate)
        {
            timer.DueTicks = dueTicks;
            timer.Sequence = ++_sequence;
            if (!_timers.Contains(timer))
            {
                _timers.Add(timer);
            }
        }
    }

    private void Disarm(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer : ITimer
    {
        private readonly ManualTimeProvider _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private long _periodTicks;

        public ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
        }

        public long DueTicks { get; set; }

        public long Sequence { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                _owner.Disarm(this);
            }
            else
            {
                _owner.Arm(this, _owner.GetTimestamp() + Math.Max(0, dueTime.Ticks));
            }

            return true;
        }

        // Called under the owner's gate when the timer is chosen to fire: re-arm periodic timers, drop one-shots.
        public void Fired()
        {
            if (_periodTicks > 0)
            {
                DueTicks += _periodTicks;
                Sequence = ++_owner._sequence;
            }
            else
            {
                _owner._timers.Remove(this);
            }
        }

        public void Invoke() => _callback(_state);

        public void Dispose() => _owner.Disarm(this);

        public System.Threading.Tasks.ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
