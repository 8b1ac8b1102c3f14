using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Benchmarks.Reporting;

namespace VfioPm.Benchmarks.Analysis;

/// <summary>
/// What the VfioPm analyzers cost: their execution time (Roslyn's telemetry) against the compile time of a synthetic
/// driver corpus, per analyzer and in total, at several sizes; against CA2000 on the same corpus written with
/// IDisposable; and on a compilation that does not reference VfioPm at all. Each figure is the median of repeated passes.
/// </summary>
public sealed class AnalyzerCostSuite : ISuite
{
    /// <inheritdoc/>
    public string Name => "analyzers";

    /// <inheritdoc/>
    public IReadOnlyList<Figure> Run(BenchMode mode, string artifacts)
    {
        // Quick mode keeps the two-minute budget with N = 100/500 (the scaling figure then compares 500 with 100).
        var quick = mode == BenchMode.Quick;
        var main = quick ? 500 : 1000;
        var small = quick ? 100 : 1000;
        var large = quick ? 500 : 5000;
        var reps = quick ? 1 : 3;

        var vfioPm = VfioPmAnalyzers.Create();
        var ca2000 = SdkNetAnalyzers.LoadCa2000();
        var mixed = vfioPm.Add(ca2000);
        Console.WriteLine($"analyzers: {string.Join(", ", vfioPm.Select(a => a.GetType().Name))}; CA2000 from {SdkNetAnalyzers.Path}");

        // Warm-up: JIT the compiler, the analyzers and CA2000 on small corpora before anything is timed.
        AnalysisPass.Run(DriverCorpus.Generate(Dialect.Annotated, 30), referenceVfioPm: true, vfioPm);
        AnalysisPass.Run(DriverCorpus.Generate(Dialect.Disposable, 30), referenceVfioPm: false, mixed, SdkNetAnalyzers.EnableCa2000);

        var annotated = new Dictionary<int, IReadOnlyList<AnalysisPass>>();
        foreach (var n in new[] { 100, small, main, large }.Distinct())
        {
            var files = DriverCorpus.Generate(Dialect.Annotated, n);
            annotated[n] = Repeat(n == large && !quick ? Math.Max(1, reps - 1) : reps, () => AnalysisPass.Run(files, referenceVfioPm: true, vfioPm, measureGraphs: n == main), $"annotated N={n}");
        }

        var disposableFiles = DriverCorpus.Generate(Dialect.Disposable, main);
        var disposable = Repeat(reps, () => AnalysisPass.Run(disposableFiles, referenceVfioPm: false, mixed, SdkNetAnalyzers.EnableCa2000), $"IDisposable N={main}");

        var figures = new List<Figure>();
        var compileMain = Stats.Median(annotated[main].Select(p => p.CompileMs));
        var sumMain = Stats.Median(annotated[main].Select(p => p.Sum(vfioPm)));
        var lines = annotated[main][0].Lines;
        figures.Add(Targets.RatioAtMost(Name, $"VfioPm analyzers, N={main:N0} ({lines:N0} lines)", sumMain, "ms", "compile (parse + emit)", compileMain, 0.10,
            $"sum of the execution times of {vfioPm.Length} analyzers; findings {Counts(annotated[main][0], "VPM")}"));
        foreach (var analyzer in vfioPm)
        {
            figures.Add(Targets.RatioAtMost(Name, $"  {analyzer.GetType().Name}, N={main:N0}", Stats.Median(annotated[main].Select(p => p.ExecutionMs[analyzer])), "ms", "compile (parse + emit)", compileMain, null));
        }

        figures.Add(Targets.RatioAtMost(Name, $"control-flow graphs of every body, N={main:N0}", Stats.Median(annotated[main].Select(p => p.GraphMs ?? double.NaN)), "ms", "compile (parse + emit)", compileMain, null,
            "ControlFlowGraph.Create for each method body, timed alone: the floor any Roslyn flow analysis of these bodies pays (CA2000 too); the analyzer driver builds each graph once and the VfioPm rules share it"));
        figures.Add(Targets.RatioAtMost(Name, $"analyzer pass wall time, N={main:N0}", Stats.Median(annotated[main].Select(p => p.AnalyzerWallMs)), "ms", "compile (parse + emit)", compileMain, null,
            "CompilationWithAnalyzers on a fresh compilation: re-binding every body for the analyzer driver, plus the analyzers"));

        var sum100 = Stats.Median(annotated[100].Select(p => p.Sum(vfioPm)));
        figures.Add(Targets.RatioAtMost(Name, "VfioPm analyzers, N=100", sum100, "ms", "compile (parse + emit)", Stats.Median(annotated[100].Select(p => p.CompileMs)), 0.10));

        var ca2000Ms = Stats.Median(disposable.Select(p => p.ExecutionMs[ca2000]));
        figures.Add(Targets.RatioAtMost(Name, $"VfioPm analyzers vs CA2000, N={main:N0}", sumMain, "ms", "CA2000 on the same drivers written with IDisposable", ca2000Ms, 1.0,
            $"CA2000 findings {Counts(disposable[0], "CA")}; CA2000's own compile baseline {Stats.Median(disposable.Select(p => p.CompileMs)).ToString("0", CultureInfo.InvariantCulture)} ms"));

        var sumSmall = Stats.Median(annotated[small].Select(p => p.Sum(vfioPm)));
        var sumLarge = Stats.Median(annotated[large].Select(p => p.Sum(vfioPm)));
        figures.Add(Targets.RatioAtMost(Name, $"scaling: time(N={large:N0}) / time(N={small:N0})", sumLarge, "ms", $"VfioPm analyzers at N={small:N0}", sumSmall, 5.5,
            $"{large / small}× the code; compile {Stats.Median(annotated[large].Select(p => p.CompileMs)).ToString("0", CultureInfo.InvariantCulture)} ms vs {Stats.Median(annotated[small].Select(p => p.CompileMs)).ToString("0", CultureInfo.InvariantCulture)} ms"));

        var plainMs = Stats.Median(disposable.Select(p => p.Sum(vfioPm)));
        figures.Add(Targets.RatioAtMost(Name, $"VfioPm analyzers on code without VfioPm, N={main:N0}", plainMs, "ms", "compile (parse + emit)", Stats.Median(disposable.Select(p => p.CompileMs)), 0.01,
            "the IDisposable corpus: references nothing of VfioPm, so every analyzer should bail out at compilation start"));
        return figures;
    }

    private static IReadOnlyList<AnalysisPass> Repeat(int count, Func<AnalysisPass> pass, string what)
    {
        var passes = new List<AnalysisPass>(count);
        for (var i = 0; i < count; i++)
        {
            var p = pass();
            Console.WriteLine($"  {what}: compile {p.CompileMs:0} ms, analyzer pass {p.AnalyzerWallMs:0} ms, {string.Join(", ", p.ExecutionMs.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key.GetType().Name} {kv.Value:0.0}"))}");
            passes.Add(p);
        }

        return passes;
    }

    private static string Counts(AnalysisPass pass, string prefix)
    {
        var counts = pass.DiagnosticCounts.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        return counts.Count == 0 ? "none" : string.Join(", ", counts.Select(kv => $"{kv.Key}×{kv.Value}"));
    }
}
