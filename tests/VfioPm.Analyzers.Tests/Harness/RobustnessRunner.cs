using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>
/// Runs analyzers over every line prefix of a source (the first N lines, N = 1..total), which is mostly broken syntax —
/// what an IDE shows them while someone types — and fails if any analyzer throws (AD0001) on any prefix.
/// Markup in the source is stripped first, so analyzer test sources can be reused.
/// </summary>
public static class RobustnessRunner
{
    /// <summary>How many failing prefixes a failure message lists.</summary>
    public const int ReportedFailures = 5;

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
        var options = AnalyzerVerifier.AnalyzerOptionsFor(settings);
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
}
