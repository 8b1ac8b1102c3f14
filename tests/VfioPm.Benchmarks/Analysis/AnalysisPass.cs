using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace VfioPm.Benchmarks.Analysis;

/// <summary>
/// One measured pass over a corpus: the compile (parse + emit, which binds every body and reports the compiler's
/// diagnostics, as csc does) without analyzers, then a fresh compilation of the same trees run through
/// <see cref="CompilationWithAnalyzers"/> with execution-time telemetry (<c>logAnalyzerExecutionTime</c>, the API form of
/// csc's <c>/reportanalyzer</c>). Both single-threaded.
/// </summary>
public sealed class AnalysisPass
{
    private AnalysisPass(double compileMs, double analyzerWallMs, ImmutableDictionary<DiagnosticAnalyzer, double> executionMs, ImmutableDictionary<string, int> diagnosticCounts, int lines, double? graphMs)
    {
        GraphMs = graphMs;
        CompileMs = compileMs;
        AnalyzerWallMs = analyzerWallMs;
        ExecutionMs = executionMs;
        DiagnosticCounts = diagnosticCounts;
        Lines = lines;
    }

    /// <summary>Parse + emit, milliseconds.</summary>
    public double CompileMs { get; }

    /// <summary>Wall time of the analyzer pass (the driver re-binds the compilation, then runs the analyzers), milliseconds.</summary>
    public double AnalyzerWallMs { get; }

    /// <summary>Each analyzer's execution time from the telemetry, milliseconds.</summary>
    public ImmutableDictionary<DiagnosticAnalyzer, double> ExecutionMs { get; }

    /// <summary>Analyzer diagnostics by id.</summary>
    public ImmutableDictionary<string, int> DiagnosticCounts { get; }

    /// <summary>Source lines in the corpus.</summary>
    public int Lines { get; }

    /// <summary>
    /// When measured: building a <see cref="Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph"/> for every method body
    /// (operation trees created first, not timed) — what any Roslyn flow analysis of those bodies pays before it starts.
    /// </summary>
    public double? GraphMs { get; }

    /// <summary>Total execution time of <paramref name="analyzers"/>, milliseconds.</summary>
    public double Sum(IEnumerable<DiagnosticAnalyzer> analyzers) => analyzers.Sum(a => ExecutionMs[a]);

    /// <summary>Measures <paramref name="analyzers"/> over <paramref name="files"/>.</summary>
    public static AnalysisPass Run(
        IReadOnlyList<(string Path, string Text)> files,
        bool referenceVfioPm,
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        IReadOnlyDictionary<string, ReportDiagnostic>? diagnosticOptions = null,
        bool measureGraphs = false)
    {
        Settle();
        var clock = Stopwatch.StartNew();
        var trees = CorpusCompilation.Parse(files);
        var compilation = CorpusCompilation.Create(trees, referenceVfioPm, diagnosticOptions);
        using (var pe = new MemoryStream())
        {
            var emit = compilation.Emit(pe);
            if (!emit.Success)
            {
                var errors = emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5);
                throw new InvalidOperationException("the corpus does not compile:\n" + string.Join("\n", errors));
            }
        }

        var compileMs = clock.Elapsed.TotalMilliseconds;

        Settle();
        var failures = new ConcurrentQueue<string>();
        var withAnalyzers = CorpusCompilation.Create(trees, referenceVfioPm, diagnosticOptions).WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (ex, analyzer, _) => failures.Enqueue($"{analyzer.GetType().Name}: {ex.GetType().Name}: {ex.Message}"),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: false));
        clock.Restart();
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        var wallMs = clock.Elapsed.TotalMilliseconds;
        if (!failures.IsEmpty || diagnostics.Any(d => d.Id is "AD0001" or "AD0002"))
        {
            throw new InvalidOperationException("an analyzer failed:\n" + string.Join("\n", failures.Concat(diagnostics.Where(d => d.Id.StartsWith("AD", StringComparison.Ordinal)).Select(d => d.ToString())).Take(5)));
        }

        var times = analyzers.ToImmutableDictionary(
            a => a,
            a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds);
        var counts = diagnostics.GroupBy(d => d.Id).ToImmutableDictionary(g => g.Key, g => g.Count());
        var lines = files.Sum(f => f.Text.Count(c => c == '\n'));
        return new AnalysisPass(compileMs, wallMs, times, counts, lines, measureGraphs ? GraphTime(trees, referenceVfioPm) : null);
    }

    private static double GraphTime(ImmutableArray<SyntaxTree> trees, bool referenceVfioPm)
    {
        Settle();
        var compilation = CorpusCompilation.Create(trees, referenceVfioPm);
        var bodies = new List<IOperation>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var method in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax>())
            {
                if (model.GetOperation(method) is { } body)
                {
                    bodies.Add(body);
                }
            }
        }

        var clock = Stopwatch.StartNew();
        foreach (var body in bodies)
        {
            _ = body switch
            {
                Microsoft.CodeAnalysis.Operations.IMethodBodyOperation m => ControlFlowGraph.Create(m),
                Microsoft.CodeAnalysis.Operations.IConstructorBodyOperation c => ControlFlowGraph.Create(c),
                _ => null,
            };
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    // A full collection before each timed part, so one part's garbage is not collected on another's clock.
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
