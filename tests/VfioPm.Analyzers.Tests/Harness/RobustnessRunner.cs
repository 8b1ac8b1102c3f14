using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>
/// Runs analyzers over every line prefix of a source (the first N lines, N = 1..total), which is mostly broken syntax —
/// what an IDE shows them while someone types — and fails if any analyzer throws (AD0001) on any prefix.
/// Markup in the source is stripped first, so analyzer test sources can be reused. <see cref="RunOnVariantsAsync"/>
/// does the same over generated hostile sources (<see cref="MalformedCode"/>) and also bounds each analyzer's time.
/// </summary>
public static class RobustnessRunner
{
    /// <summary>How many failing prefixes a failure message lists.</summary>
    public const int ReportedFailures = 5;

    /// <summary>The shortest time a hostile variant's analysis may run before it counts as hung.</summary>
    public static readonly TimeSpan MinimumHangGuard = TimeSpan.FromSeconds(30);

    /// <summary>Runs <typeparamref name="TAnalyzer"/> over every prefix of <paramref name="source"/>.</summary>
    /// <returns>The number of prefixes analyzed.</returns>
    public static Task<int> RunOnPrefixesAsync<TAnalyzer>(string source, VerifierSettings? settings = null)
        where TAnalyzer : DiagnosticAnalyzer, new() =>
        RunOnPrefixesAsync([new TAnalyzer()], source, settings);

    /// <summary>Runs <paramref name="analyzers"/> together over every prefix of <paramref name="source"/>.</summary>
    /// <returns>The number of prefixes analyzed.</returns>
    public static async Task<int> RunOnPrefixesAsync(ImmutableArray<DiagnosticAnalyzer> analyzers, string source, VerifierSettings? settings = null)
    {
        settings = (settings ?? VerifierSettings.Default) with { AllowCompilerErrors = true };
        var text = SourceText.From(Markup.Parse(source).Source);
        var options = settings.AnalyzerOptions();
        var others = settings.AdditionalSources.Select(s => Markup.Parse(s).Source).ToList();
        var failures = new List<string>();
        var failed = 0;
        for (var n = 1; n <= text.Lines.Count; n++)
        {
            var line = text.Lines[n - 1];
            var prefix = text.ToString(TextSpan.FromBounds(0, line.EndIncludingLineBreak));
            var compilation = TestCompilation.Create([prefix, .. others], settings);
            var run = await AnalyzerRun.RunAsync(compilation, analyzers, options).ConfigureAwait(false);
            if (!run.HasFailures)
            {
                continue;
            }

            failed++;
            if (failures.Count < ReportedFailures)
            {
                var what = run.Exceptions.Select(e => $"{e.Analyzer.GetType().Name}: {e.Exception.GetType().Name}: {e.Exception.Message}\n{e.Exception.StackTrace}")
                    .Concat(run.FailureDiagnostics.Select(TestCompilation.Format))
                    .FirstOrDefault();
                failures.Add($"first {n} line(s), ending \"{line.ToString().Trim()}\":\n    {what}");
            }
        }

        if (failed > 0)
        {
            var message = new StringBuilder();
            message.AppendLine($"An analyzer threw on {failed} of {text.Lines.Count} line prefixes. First {failures.Count}:");
            foreach (var failure in failures)
            {
                message.Append("  ").AppendLine(failure);
            }

            Assert.Fail(message.ToString());
        }

        return text.Lines.Count;
    }

    /// <summary>
    /// Runs <paramref name="analyzers"/> together over each of <paramref name="variants"/> and fails if any throws, if
    /// any spends more than <paramref name="bound"/> on one variant (Roslyn's own per-analyzer timing), or if a variant's
    /// analysis has not finished after four times the bound, and at least <see cref="MinimumHangGuard"/> (a hang guard,
    /// not a performance assertion).
    /// </summary>
    /// <returns>How many variants were analyzed and the slowest analyzer/variant seen.</returns>
    public static async Task<VariantRunSummary> RunOnVariantsAsync(
        ImmutableArray<DiagnosticAnalyzer> analyzers, IEnumerable<MalformedSource> variants, TimeSpan bound, VerifierSettings? settings = null)
    {
        settings = (settings ?? VerifierSettings.Default) with { AllowCompilerErrors = true };
        var options = settings.AnalyzerOptions();
        var failures = new List<string>();
        var count = 0;
        var slowest = (Analyzer: "-", Variant: "-", Time: TimeSpan.Zero);
        foreach (var variant in variants)
        {
            count++;
            var compilation = TestCompilation.Create([variant.Text], settings);
            using var guard = new CancellationTokenSource(bound * 4 > MinimumHangGuard ? bound * 4 : MinimumHangGuard);
            var clock = Stopwatch.StartNew();
            AnalyzerRun run;
            try
            {
                run = await AnalyzerRun.RunAsync(compilation, analyzers, options, guard.Token, measure: true).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                failures.Add($"{variant}: analysis did not finish within {clock.Elapsed.TotalSeconds:0} s");
                continue;
            }

            if (run.HasFailures)
            {
                var what = run.Exceptions.Select(e => $"{e.Analyzer.GetType().Name}: {e.Exception.GetType().Name}: {e.Exception.Message}\n{e.Exception.StackTrace}")
                    .Concat(run.FailureDiagnostics.Select(TestCompilation.Format))
                    .First();
                failures.Add($"{variant}: {what}");
            }

            foreach (var (analyzer, time) in run.ExecutionTimes)
            {
                if (time > slowest.Time)
                {
                    slowest = (analyzer.GetType().Name, variant.Name, time);
                }

                if (time > bound)
                {
                    failures.Add($"{variant}: {analyzer.GetType().Name} took {time.TotalSeconds:0.0} s (bound {bound.TotalSeconds:0} s)");
                }
            }
        }

        if (failures.Count > 0)
        {
            Assert.Fail($"{failures.Count} of {count} hostile sources broke an analyzer. First {Math.Min(ReportedFailures, failures.Count)}:\n  "
                + string.Join("\n  ", failures.Take(ReportedFailures)));
        }

        return new VariantRunSummary(count, slowest.Analyzer, slowest.Variant, slowest.Time);
    }
}

/// <summary>What <see cref="RobustnessRunner.RunOnVariantsAsync"/> analyzed, and the slowest analyzer on one variant.</summary>
public sealed record VariantRunSummary(int Variants, string SlowestAnalyzer, string SlowestVariant, TimeSpan SlowestTime)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Variants} variants; slowest: {SlowestAnalyzer} {SlowestTime.TotalMilliseconds:0} ms on {SlowestVariant}";
}
