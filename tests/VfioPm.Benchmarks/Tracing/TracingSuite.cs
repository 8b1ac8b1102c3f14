using System;
using System.Collections.Generic;
using System.IO;
using BenchmarkDotNet.Running;
using VfioPm.Benchmarks.Reporting;
using VfioPm.Runtime.Power;

namespace VfioPm.Benchmarks.Tracing;

/// <summary>
/// What the rpm tracepoints cost. Off (no sink), against the build before them: set <c>VFIOPM_BASELINE_RUNTIME</c> to
/// that build's <c>VfioPm.Runtime.dll</c> (e.g. from <c>git archive &lt;commit&gt;</c> and a Release build) and the two
/// builds' get/put pairs are compared in one process (<see cref="TwoBuildsGetPut"/>). On (a sink that drops events),
/// against off, in this build.
/// </summary>
public sealed class TracingSuite : ISuite
{
    /// <summary>The variable naming the baseline build's runtime assembly.</summary>
    public const string BaselineVariable = "VFIOPM_BASELINE_RUNTIME";

    /// <inheritdoc/>
    public string Name => "tracing";

    /// <inheritdoc/>
    public IReadOnlyList<Figure> Run(BenchMode mode, string artifacts)
    {
        var figures = new List<Figure>();
        if (Environment.GetEnvironmentVariable(BaselineVariable) is { Length: > 0 } baseline && File.Exists(baseline))
        {
            var rounds = mode == BenchMode.Quick ? 10 : 40;
            var (candidate, before, ratio) = TwoBuildsGetPut.Compare(baseline, typeof(RuntimePm).Assembly.Location, rounds);
            figures.Add(new Figure(Name, "ResumeAndGet+Put, no trace sink, this build vs the baseline build", candidate, "ns (CPU)", $"the build at {BaselineVariable}", before,
                Math.Round(ratio, 4), "≤ 1.02×", ratio <= 1.02,
                $"thread CPU time, best of {rounds} rounds of 2,000,000 pairs per build and load order; ratio = geometric mean over both load orders; the values are the faster order's"));
        }
        else
        {
            Console.WriteLine($"tracing: {BaselineVariable} not set (or not a file); skipping the comparison with the build before the tracepoints.");
        }

        var traced = new Measured(BenchmarkRunner.Run<TracedGetPutBenchmarks>(BenchmarkConfig.For(mode, artifacts)));
        figures.Add(Targets.RatioAtMost(Name, "ResumeAndGet+Put with a trace sink attached", traced.MedianNs(nameof(TracedGetPutBenchmarks.Traced)), "ns",
            "no sink (the lock-free fast path)", traced.MedianNs(nameof(TracedGetPutBenchmarks.Untraced)), null,
            "the sink drops events; the get takes the power lock to emit rpm_resume + rpm_return_int, the put emits rpm_usage"));
        return figures;
    }
}
