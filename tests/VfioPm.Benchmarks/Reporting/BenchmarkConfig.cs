using System.IO;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace VfioPm.Benchmarks.Reporting;

/// <summary>
/// The BenchmarkDotNet configuration: in-process (no child builds on a shared two-core machine), the memory diagnoser
/// on, a console table, artifacts under <c>artifacts/bench/bdn</c>. Quick jobs are short enough for the two-minute budget.
/// </summary>
public static class BenchmarkConfig
{
    /// <summary>The configuration for <paramref name="mode"/>.</summary>
    public static IConfig For(BenchMode mode, string artifacts)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1);
        job = mode == BenchMode.Quick
            ? job.WithWarmupCount(4).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(80))
            : job.WithWarmupCount(5).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(250));

        return ManualConfig.CreateEmpty()
            .AddJob(job.WithId(mode.ToString()))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(Path.Combine(artifacts, "bdn"))
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
    }
}
