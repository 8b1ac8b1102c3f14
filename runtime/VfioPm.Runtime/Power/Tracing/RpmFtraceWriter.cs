using System;
using System.IO;

namespace VfioPm.Runtime.Power;

/// <summary>
/// A trace sink that writes the <c>rpm</c> events as ftrace's <c>trace</c> file does: a <c># tracer: nop</c> header,
/// then one line per event (<see cref="RpmTraceFormat.Line"/>).
/// </summary>
/// <example>
/// <code>
/// using var writer = new RpmFtraceWriter(File.CreateText("rpm.trace"));
/// using (env.AttachTraceSink(writer)) { /* run the scenario */ }
/// </code>
/// </example>
public sealed class RpmFtraceWriter : IRpmTraceSink, IDisposable
{
    // Guards _output and _count: events arrive from many threads, each under its own device's power lock; this lock
    // is taken last and nothing is called while holding it except the writer.
    private readonly object _gate = new();
    private readonly TextWriter _output;
    private readonly bool _ownsOutput;
    private readonly string _task;
    private long _count;

    /// <summary>Writes to <paramref name="output"/>, which the writer disposes unless <paramref name="leaveOpen"/>.</summary>
    /// <param name="output">Where the lines go.</param>
    /// <param name="task">The task name printed for events outside PM work (default: this process's name).</param>
    /// <param name="header">Write the <c>trace</c> file's header first.</param>
    /// <param name="leaveOpen">Leave <paramref name="output"/> open on <see cref="Dispose"/>.</param>
    public RpmFtraceWriter(TextWriter output, string? task = null, bool header = true, bool leaveOpen = false)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _ownsOutput = !leaveOpen;
        _task = task ?? RpmTraceFormat.ProcessTask();
        if (header)
        {
            _output.WriteLine(RpmTraceFormat.Header);
        }
    }

    /// <summary>Events written so far.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <inheritdoc/>
    public void Write(in RpmTraceEvent traceEvent)
    {
        var line = RpmTraceFormat.Line(traceEvent, _task);
        lock (_gate)
        {
            _output.WriteLine(line);
            _count++;
        }
    }

    /// <summary>Flushes the output.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            _output.Flush();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _output.Flush();
            if (_ownsOutput)
            {
                _output.Dispose();
            }
        }
    }
}
