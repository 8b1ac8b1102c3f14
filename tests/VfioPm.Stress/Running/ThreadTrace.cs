using System;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using VfioPm.Stress.Workload;

namespace VfioPm.Stress.Running;

/// <summary>
/// What one harness thread is doing and has just done: the operation in flight (with its start time, which the watchdog
/// reads) and a ring of the last completed operations with their results, for failure reports and hang dumps.
/// </summary>
public sealed class ThreadTrace
{
    /// <summary>Completed operations kept per thread.</summary>
    public const int Depth = 12;

    [ThreadStatic]
    private static ThreadTrace? t_current;

    private readonly object _gate = new();
    private readonly string[] _ring = new string[Depth];
    private long _completed;
    private string? _current;
    private long _startTimestamp;

    /// <summary>Creates the trace of a thread called <paramref name="name"/>.</summary>
    public ThreadTrace(string name) => Name = name;

    /// <summary>The trace of the calling thread, if it has one.</summary>
    public static ThreadTrace? Current => t_current;

    /// <summary>The thread's name.</summary>
    public string Name { get; }

    /// <summary>Operations completed.</summary>
    public long Completed
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>The operation in flight, or <see langword="null"/>.</summary>
    public string? InFlight
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>How long the operation in flight has been running; zero when idle.</summary>
    public TimeSpan InFlightFor
    {
        get
        {
            lock (_gate)
            {
                return _current is null ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_startTimestamp);
            }
        }
    }

    /// <summary>Makes this the calling thread's trace (violations it reports name it); returns the one it replaces.</summary>
    public ThreadTrace? Attach()
    {
        var previous = t_current;
        t_current = this;
        return previous;
    }

    /// <summary>Puts back the trace <see cref="Attach"/> replaced.</summary>
    public static void Restore(ThreadTrace? previous) => t_current = previous;

    /// <summary>Starts operation number <paramref name="index"/>.</summary>
    public void Begin(long index, Operation op) => Begin(string.Create(CultureInfo.InvariantCulture, $"#{index} {op}"));

    /// <summary>Starts a named step.</summary>
    public void Begin(string what)
    {
        lock (_gate)
        {
            _current = what;
            _startTimestamp = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Ends the step in flight with its <paramref name="result"/>.</summary>
    public void End(string result)
    {
        lock (_gate)
        {
            _ring[_completed % Depth] = $"{_current} -> {result}";
            _completed++;
            _current = null;
        }
    }

    /// <summary>The step in flight and the last completed ones, newest first.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            text.Append(Name).Append(": ");
            text.AppendLine(_current is null ? "idle" : $"IN FLIGHT {Stopwatch.GetElapsedTime(_startTimestamp).TotalMilliseconds:0} ms: {_current}");
            for (var i = 0; i < Math.Min(_completed, Depth); i++)
            {
                text.Append("    ").AppendLine(_ring[(_completed - 1 - i) % Depth]);
            }

            return text.ToString();
        }
    }
}
