using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using VfioPm.Samples.Vmm;

namespace VfioPm.Runtime.Tests.Samples;

/// <summary>The main command's <c>--timeline</c> and <c>--trace ftrace|perfetto &lt;file&gt;</c>: parsing, and the files a run writes.</summary>
public sealed class VmmTraceOptionsTests : IDisposable
{
    // "<task>-<pid> [cpu] <irq flags> <seconds>.<micros>: rpm_<event>: " (trace_print_context with irq-info).
    private static readonly Regex FtraceLine = new(@"^ {0,15}\S{1,15}-\d+ +\[\d{3}\] (d\.\.1\.|\.\.\.\.\.) +\d+\.\d{6}: rpm_(idle|suspend|resume|usage|return_int|status): \S", RegexOptions.CultureInvariant);

    private readonly string _temp = Directory.CreateTempSubdirectory("vfiopm-vmm-trace-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void ParsesEveryOutputAndRejectsBadFormats()
    {
        var (root, options) = Command();
        var ok = root.Parse(new[] { "--timeline", "t.html", "--trace", "ftrace", "rpm.txt", "--trace", "perfetto", "p.json" });
        Assert.Empty(ok.Errors);
        Assert.Equal("t.html", ok.GetValue(options.Timeline));
        Assert.Equal(new[] { "ftrace", "rpm.txt", "perfetto", "p.json" }, ok.GetValue(options.Trace));
        Assert.NotNull(options.Read(ok));
        Assert.Null(options.Read(root.Parse(Array.Empty<string>())));

        Assert.Contains(root.Parse(new[] { "--trace", "systrace", "x" }).Errors, e => e.Message.Contains("unknown format 'systrace'", StringComparison.Ordinal));
        Assert.NotEmpty(root.Parse(new[] { "--trace", "ftrace" }).Errors);
    }

    [Fact]
    public void ARunWritesTheTimelineAndBothTraces()
    {
        var html = Path.Combine(_temp, "t.html");
        var ftrace = Path.Combine(_temp, "rpm.txt");
        var perfetto = Path.Combine(_temp, "p.json");
        var (root, options) = Command();
        var parse = root.Parse(new[] { "--timeline", html, "--trace", "ftrace", ftrace, "--trace", "perfetto", perfetto });
        var output = new StringWriter();

        var exit = options.Run(parse, outputs => new HypervisorScenario(platformD3Cold: true, disableIdleD3: false, quiet: true, output) { Outputs = outputs }.Run());

        Assert.Equal(0, exit);
        Assert.Contains("ui.perfetto.dev", output.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(html), StringComparison.Ordinal);
        XDocument.Parse(File.ReadAllText(html)[File.ReadAllText(html).IndexOf("<svg", StringComparison.Ordinal)..File.ReadAllText(html).IndexOf("</body>", StringComparison.Ordinal)]);

        var lines = File.ReadAllLines(ftrace);
        Assert.Equal("# tracer: nop", lines[0]);
        var events = lines.Where(l => !l.StartsWith('#')).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, l => Assert.Matches(FtraceLine, l));
        Assert.Contains(events, l => l.Contains("rpm_status: 0000:01:00.0 status=RPM_SUSPENDED", StringComparison.Ordinal));

        using var json = JsonDocument.Parse(File.ReadAllBytes(perfetto));
        Assert.True(json.RootElement.GetProperty("traceEvents").GetArrayLength() > 100);
    }

    [Fact]
    public void AnUnwritablePathFailsBeforeTheScenarioRuns()
    {
        var (root, options) = Command();
        var parse = root.Parse(new[] { "--timeline", Path.Combine(_temp, "missing-dir", "t.svg") });
        var ran = false;

        var exit = options.Run(parse, _ => { ran = true; return 0; });

        Assert.Equal(2, exit);
        Assert.False(ran);
    }

    private static (RootCommand Root, TraceOptions Options) Command()
    {
        var options = new TraceOptions();
        var root = new RootCommand();
        options.AddTo(root);
        return (root, options);
    }
}
