using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VfioPm.Benchmarks.Analysis;
using VfioPm.Benchmarks.Reporting;
using VfioPm.Generators;

namespace VfioPm.Benchmarks.Generation;

/// <summary>
/// What the generator costs: a fresh generator driver over 1,000 handlers (100 classes) against the compile time of
/// the same sources, and the incremental run after a one-line edit inside one handler against that full run — with the
/// tracked steps checked: the edit must leave every Emit output Cached or Unchanged.
/// </summary>
public sealed class GeneratorCostSuite : ISuite
{
    private const int Classes = 100;

    /// <inheritdoc/>
    public string Name => "generator";

    /// <inheritdoc/>
    public IReadOnlyList<Figure> Run(BenchMode mode, string artifacts)
    {
        var reps = mode == BenchMode.Quick ? 3 : 9;
        Measure(HandlerCorpus.Generate(10), 2); // warm-up: JIT the driver, the parser and the emitter

        var files = HandlerCorpus.Generate(Classes);
        var runs = Measure(files, reps);
        var handlers = Classes * HandlerCorpus.HandlersPerClass;
        var full = Stats.Median(runs.Select(r => r.FullMs));
        var edit = Stats.Median(runs.Select(r => r.EditMs));
        var compile = Stats.Median(runs.Select(r => r.CompileMs));
        var last = runs[^1];
        return new[]
        {
            Targets.RatioAtMost(Name, $"generate {handlers:N0} handlers ({Classes} classes), fresh driver", full, "ms", "compile of the same sources (parse + emit)", compile, null,
                $"{last.GeneratedFiles} files, {last.GeneratedLines:N0} generated lines; median of {reps}"),
            Targets.RatioAtMost(Name, "one-line edit in a handler body, incremental run", edit, "ms", "the full run above", full, null,
                $"steps after the edit: {last.StepSummary}. ForAttributeWithMetadataName re-runs every class's transform on a new compilation (Roslyn's design); the models compare equal, so nothing is re-emitted. Both runs are mostly Roslyn binding the handlers' attributes and signatures for the transform on the new compilation"),
            new Figure(Name, "Emit outputs recomputed by that edit", last.EmitRecomputed, "outputs", "—", null, null,
                "0 (every Emit output Cached or Unchanged)", last.EmitRecomputed == 0),
        };
    }

    private static List<Pass> Measure(IReadOnlyList<(string Path, string Text)> files, int reps)
    {
        var runs = new List<Pass>(reps);
        var parse = CorpusCompilation.ParseOptions;
        for (var r = 0; r < reps; r++)
        {
            GC.Collect();
            var trees = CorpusCompilation.Parse(files);
            var clock = Stopwatch.StartNew();
            var compilation = CorpusCompilation.Create(trees, referenceVfioPm: true);
            using (var pe = new MemoryStream())
            {
                var emit = compilation.Emit(pe);
                if (!emit.Success)
                {
                    throw new InvalidOperationException("the handler corpus does not compile:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
                }
            }

            var compileMs = clock.Elapsed.TotalMilliseconds;
            compilation = CorpusCompilation.Create(trees, referenceVfioPm: true);

            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { new VfioDeviceOpsGenerator().AsSourceGenerator() },
                parseOptions: parse,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
            clock.Restart();
            driver = driver.RunGenerators(compilation);
            var fullMs = clock.Elapsed.TotalMilliseconds;
            var first = driver.GetRunResult().Results[0];
            if (first.Exception is { } ex)
            {
                throw new InvalidOperationException("the generator failed", ex);
            }

            // The edit: one constant in one handler body of the middle class.
            var index = files.Count / 2;
            var old = trees[index];
            var edited = CSharpSyntaxTree.ParseText(HandlerCorpus.Class(index, edited: true), parse, old.FilePath);
            var next = compilation.ReplaceSyntaxTree(old, edited);
            clock.Restart();
            driver = driver.RunGenerators(next);
            var editMs = clock.Elapsed.TotalMilliseconds;
            var second = driver.GetRunResult().Results[0];

            var steps = second.TrackedSteps;
            var emitOutputs = steps.TryGetValue(TrackingNames.Emit, out var emit2) ? emit2.SelectMany(s => s.Outputs).ToList() : new();
            var recomputed = emitOutputs.Count(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
            var summary = string.Join("; ", new[] { TrackingNames.Transform, TrackingNames.Models, TrackingNames.Emit }.Select(name =>
                name + " " + (steps.TryGetValue(name, out var runs2)
                    ? string.Join(", ", runs2.SelectMany(s => s.Outputs).GroupBy(o => o.Reason).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"))
                    : "not run")));
            runs.Add(new Pass(compileMs, fullMs, editMs, first.GeneratedSources.Length, first.GeneratedSources.Sum(s => s.SourceText.Lines.Count), recomputed, summary));
        }

        return runs;
    }

    private sealed record Pass(double CompileMs, double FullMs, double EditMs, int GeneratedFiles, int GeneratedLines, int EmitRecomputed, string StepSummary);
}
