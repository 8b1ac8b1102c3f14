using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>An analyzer exception caught by <see cref="CompilationWithAnalyzersOptions.OnAnalyzerException"/>.</summary>
public readonly record struct AnalyzerFailure(DiagnosticAnalyzer Analyzer, Exception Exception, Diagnostic Diagnostic);

/// <summary>
/// What one run of analyzers over a compilation produced: their diagnostics (suppressed ones left out), and every analyzer
/// exception, both as caught by the exception callback and as <c>AD0001</c> diagnostics.
/// </summary>
public sealed class AnalyzerRun
{
    /// <summary>The ids Roslyn reports for a failing analyzer (AD0001: exception; AD0002: reported into a bad location).</summary>
    public static readonly ImmutableHashSet<string> FailureIds = ImmutableHashSet.Create(StringComparer.Ordinal, "AD0001", "AD0002");

    private AnalyzerRun(
        ImmutableArray<Diagnostic> diagnostics,
        ImmutableArray<Diagnostic> failureDiagnostics,
        ImmutableArray<AnalyzerFailure> exceptions,
        ImmutableDictionary<DiagnosticAnalyzer, TimeSpan> executionTimes)
    {
        Diagnostics = diagnostics;
        FailureDiagnostics = failureDiagnostics;
        Exceptions = exceptions;
        ExecutionTimes = executionTimes;
    }

    /// <summary>The analyzers' diagnostics, ordered by file and position, without <see cref="FailureIds"/>.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>AD0001/AD0002 diagnostics.</summary>
    public ImmutableArray<Diagnostic> FailureDiagnostics { get; }

    /// <summary>Exceptions seen by the exception callback.</summary>
    public ImmutableArray<AnalyzerFailure> Exceptions { get; }

    /// <summary>Time each analyzer spent, when the run was measured (empty otherwise).</summary>
    public ImmutableDictionary<DiagnosticAnalyzer, TimeSpan> ExecutionTimes { get; }

    /// <summary>True when some analyzer threw.</summary>
    public bool HasFailures => !FailureDiagnostics.IsEmpty || !Exceptions.IsEmpty;

    /// <summary>
    /// Runs <paramref name="analyzers"/> over <paramref name="compilation"/> with
    /// <c>reportSuppressedDiagnostics: false</c> and non-concurrent execution (deterministic). With
    /// <paramref name="measure"/>, Roslyn times each analyzer (<see cref="ExecutionTimes"/>).
    /// </summary>
    public static async Task<AnalyzerRun> RunAsync(
        Compilation compilation,
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        AnalyzerOptions? options = null,
        CancellationToken cancellationToken = default,
        bool measure = false)
    {
        var caught = new ConcurrentQueue<AnalyzerFailure>();
        var withAnalyzers = compilation.WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(
                options ?? new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, diagnostic) => caught.Enqueue(new AnalyzerFailure(analyzer, exception, diagnostic)),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: measure,
                reportSuppressedDiagnostics: false));
        var all = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var ordered = all
            .OrderBy(d => d.Location.SourceTree?.FilePath ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Location.SourceSpan.End)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
        var times = ImmutableDictionary<DiagnosticAnalyzer, TimeSpan>.Empty;
        if (measure)
        {
            foreach (var analyzer in analyzers)
            {
                var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, cancellationToken).ConfigureAwait(false);
                times = times.Add(analyzer, telemetry.ExecutionTime);
            }
        }

        return new AnalyzerRun(
            ordered.Where(d => !FailureIds.Contains(d.Id)).ToImmutableArray(),
            ordered.Where(d => FailureIds.Contains(d.Id)).ToImmutableArray(),
            caught.ToImmutableArray(),
            times);
    }

    /// <summary>Fails the test if some analyzer threw, with the exceptions and their stack traces.</summary>
    public void AssertNoAnalyzerFailures(string? context = null)
    {
        if (!HasFailures)
        {
            return;
        }

        var message = new StringBuilder();
        message.AppendLine(context is null ? "An analyzer failed (AD0001):" : $"An analyzer failed (AD0001) {context}:");
        foreach (var failure in Exceptions)
        {
            message.Append("  ").Append(failure.Analyzer.GetType().Name).Append(" threw ").AppendLine(failure.Exception.ToString());
        }

        foreach (var diagnostic in FailureDiagnostics)
        {
            message.Append("  ").AppendLine(TestCompilation.Format(diagnostic));
        }

        Assert.Fail(message.ToString());
    }
}
