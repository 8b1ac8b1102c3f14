using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;

namespace VfioPm.Samples.Vmm;

/// <summary>The command line's trace outputs: <c>--timeline out.svg|out.html</c> and <c>--trace ftrace|perfetto &lt;file&gt;</c>.</summary>
internal sealed class TraceOptions
{
    public TraceOptions()
    {
        Trace.Validators.Add(Validate);
    }

    public Option<string?> Timeline { get; } = new("--timeline")
    {
        Description = "Draw the run as a timeline: an SVG, or a self-contained HTML page when the name ends in .html. Open it in a browser.",
        HelpName = "out.svg|out.html",
    };

    public Option<string[]> Trace { get; } = new("--trace")
    {
        Description = "Write a trace: 'ftrace <file>' (the kernel's rpm events as ftrace text) or 'perfetto <file>' (Trace Event JSON for ui.perfetto.dev or chrome://tracing). May be given twice.",
        HelpName = "ftrace|perfetto> <file",
        Arity = new ArgumentArity(2, 4),
        AllowMultipleArgumentsPerToken = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Timeline);
        command.Options.Add(Trace);
    }

    /// <summary>Runs <paramref name="scenario"/> with the outputs asked for, once every output file has been created (exit 2 if one cannot be).</summary>
    public int Run(ParseResult parse, Func<TraceOutputs?, int> scenario)
    {
        var outputs = Read(parse);
        return outputs is not null && !outputs.TryCreateFiles() ? 2 : scenario(outputs);
    }

    /// <summary>What was asked for, or <see langword="null"/> when nothing was.</summary>
    public TraceOutputs? Read(ParseResult parse)
    {
        var timeline = parse.GetValue(Timeline);
        var traces = new List<(string Format, string Path)>();
        var values = parse.GetValue(Trace) ?? Array.Empty<string>();
        for (var i = 0; i + 1 < values.Length; i += 2)
        {
            traces.Add((values[i], values[i + 1]));
        }

        return timeline is null && traces.Count == 0 ? null : new TraceOutputs(timeline, traces, parse.InvocationConfiguration.Error);
    }

    private static void Validate(OptionResult result)
    {
        var values = result.GetValueOrDefault<string[]>() ?? Array.Empty<string>();
        if (values.Length % 2 != 0)
        {
            result.AddError("--trace takes a format and a file: --trace ftrace|perfetto <file>");
            return;
        }

        for (var i = 0; i < values.Length; i += 2)
        {
            if (values[i] is not ("ftrace" or "perfetto"))
            {
                result.AddError($"--trace: unknown format '{values[i]}' (expected ftrace or perfetto)");
            }
        }
    }
}
