using System;
using System.Collections.Generic;
using System.IO;
using VfioPm.Runtime.Platform;

namespace VfioPm.Samples.Vmm;

/// <summary>
/// The files a run writes besides its text: the drawn timeline and the traces. The files are created before the
/// scenario starts, so a path that cannot be written fails the command at once.
/// </summary>
internal sealed class TraceOutputs
{
    private readonly string? _timeline;
    private readonly IReadOnlyList<(string Format, string Path)> _traces;
    private readonly TextWriter _error;
    private readonly bool _progress;
    private PlatformTrace? _trace;

    /// <param name="timeline">The SVG or HTML file to draw, or <see langword="null"/>.</param>
    /// <param name="traces">The traces to write: ("ftrace" or "perfetto", path).</param>
    /// <param name="error">Where problems are reported (default: standard error). The progress line is shown only when this is a terminal's standard error.</param>
    public TraceOutputs(string? timeline, IReadOnlyList<(string Format, string Path)> traces, TextWriter? error = null)
    {
        _timeline = timeline;
        _traces = traces;
        _error = error ?? Console.Error;
        _progress = ReferenceEquals(_error, Console.Error) && !Console.IsErrorRedirected;
    }

    /// <summary>Checks that every file can be created (creating it empty); reports the first that cannot.</summary>
    public bool TryCreateFiles()
    {
        var error = _error;
        foreach (var path in Paths())
        {
            try
            {
                File.WriteAllBytes(path, Array.Empty<byte>());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                error.WriteLine($"vmm: cannot write {path}: {ex.Message}");
                return false;
            }
        }

        return true;
    }

    /// <summary>Starts recording <paramref name="platform"/>.</summary>
    public void Start(SimulatedPlatform platform) => _trace = platform.StartTrace();

    /// <summary>A progress line on the terminal (standard error, only when it is a terminal) after each step.</summary>
    public void Progress(int step, string title)
    {
        if (_progress && _trace is not null)
        {
            var line = $"[trace] step {step}: {_trace.Count} records — {title}";
            _error.Write($"\r{(line.Length > 100 ? line[..99] + "…" : line),-100}");
        }
    }

    /// <summary>Stops recording and writes every file; says where each went and how to open it.</summary>
    public bool Finish(TextWriter output)
    {
        var error = _error;
        if (_trace is not { } trace)
        {
            return true;
        }

        trace.Dispose();
        if (_progress)
        {
            _error.Write($"\r{new string(' ', 100)}\r");
        }

        output.WriteLine();
        try
        {
            if (_timeline is not null)
            {
                var html = _timeline.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || _timeline.EndsWith(".htm", StringComparison.OrdinalIgnoreCase);
                using (var writer = File.CreateText(_timeline))
                {
                    trace.WriteSvg(writer, new TimelineSvgOptions { Title = "VfioPm VMM: guest power management of a passthrough GPU", Html = html });
                }

                output.WriteLine($"Timeline: {_timeline} ({trace.Devices.Count} devices; open it in a browser)");
            }

            foreach (var (format, path) in _traces)
            {
                if (format == "ftrace")
                {
                    using var writer = File.CreateText(path);
                    trace.WriteFtrace(writer, task: "vmm");
                    output.WriteLine($"ftrace text: {path} (the kernel's rpm events; less, grep, or diff against /sys/kernel/tracing/trace)");
                }
                else
                {
                    using var stream = File.Create(path);
                    trace.WritePerfetto(stream);
                    output.WriteLine($"Perfetto trace: {path} (open it at https://ui.perfetto.dev or chrome://tracing)");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"vmm: writing the trace failed: {ex.Message}");
            return false;
        }

        return true;
    }

    private IEnumerable<string> Paths()
    {
        if (_timeline is not null)
        {
            yield return _timeline;
        }

        foreach (var (_, path) in _traces)
        {
            yield return path;
        }
    }
}
