using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.KernelCorpus;

/// <summary>What the analyzers said about one case: its VPM diagnostics, and anything that must stop the run.</summary>
public sealed record CaseRun(CorpusCase Case, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Problems);

/// <summary>
/// Compiles cases with the prelude against the real runtime and runs every shipped analyzer. The only place the corpus
/// touches the test harness (framework references, <see cref="AnalyzerRun"/>, <see cref="Shipped.Analyzers"/>).
/// </summary>
/// <remarks>
/// The analyzers work per method, so cases share a compilation to keep the run short: every correct function and every
/// bug version in one, every fixed version in another (a pair's two sides declare the same types). A case therefore
/// declares only types no other case of its batch declares; a clash is a compiler error, reported against the case.
/// </remarks>
public static class CorpusCompiler
{
    private const string Root = "/corpus/";

    /// <summary>Set to 1 to compile every case alone (slower; for checking that a result does not depend on batching).</summary>
    public const string IsolatedVariable = "VFIOPM_CORPUS_ISOLATED";

    /// <summary>Compiles and analyzes <paramref name="cases"/>, in batches that can share a compilation.</summary>
    public static async Task<ImmutableArray<CaseRun>> RunAsync(IEnumerable<CorpusCase> cases)
    {
        var isolated = Environment.GetEnvironmentVariable(IsolatedVariable) == "1";
        var batches = isolated
            ? cases.Select(c => ImmutableArray.Create(c)).ToList()
            : cases.GroupBy(c => c.Kind == CaseKind.Fixed).Select(g => g.ToImmutableArray()).ToList();
        var runs = await Task.WhenAll(batches.Select(b => Task.Run(() => RunBatchAsync(b)))).ConfigureAwait(false);
        return runs.SelectMany(r => r).OrderBy(r => r.Case.Id, StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>The path a case file has inside its compilation.</summary>
    public static string PathOf(CorpusCase @case) => Root + @case.Id + ".cs";

    private static async Task<ImmutableArray<CaseRun>> RunBatchAsync(ImmutableArray<CorpusCase> batch)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Parse);
        var trees = CorpusFiles.Prelude
            .Select(p => CSharpSyntaxTree.ParseText(SourceText.From(p.Text, Encoding.UTF8), parse, Root + p.Name))
            .Concat(batch.Select(c => CSharpSyntaxTree.ParseText(SourceText.From(c.Text, Encoding.UTF8), parse, PathOf(c))))
            .ToImmutableArray();
        var compilation = CSharpCompilation.Create(
            "KernelCorpus",
            trees,
            TestCompilation.References(AnnotationSource.RuntimeAssembly),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));

        // Problems that are nobody's case (the prelude, an analyzer exception) stop the run for every case of the batch.
        var shared = new List<string>();
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var run = await AnalyzerRun.RunAsync(compilation, Shipped.Analyzers).ConfigureAwait(false);
        shared.AddRange(run.Exceptions.Select(e => $"{e.Analyzer.GetType().Name} threw {e.Exception.GetType().Name}: {e.Exception.Message}"));
        shared.AddRange(run.FailureDiagnostics.Select(d => "analyzer failure " + TestCompilation.Format(d)));
        var vpm = run.Diagnostics.Where(d => d.Id.StartsWith("VPM", StringComparison.Ordinal) && d.Location.IsInSource).ToList();
        var casePaths = batch.Select(PathOf).ToHashSet(StringComparer.Ordinal);
        // The prelude is plain kernel helpers: a diagnostic there would be charged to every case, so it stops the run.
        shared.AddRange(vpm.Where(d => !casePaths.Contains(d.Location.SourceTree!.FilePath)).Select(d => "diagnostic in the prelude " + TestCompilation.Format(d)));
        shared.AddRange(errors.Where(d => !d.Location.IsInSource || !casePaths.Contains(d.Location.SourceTree!.FilePath)).Select(d => "compiler error " + TestCompilation.Format(d)));

        return batch.Select(c =>
        {
            var path = PathOf(c);
            var own = errors.Where(d => d.Location.IsInSource && d.Location.SourceTree!.FilePath == path).Select(d => "compiler error " + TestCompilation.Format(d));
            return new CaseRun(
                c,
                vpm.Where(d => d.Location.SourceTree!.FilePath == path).ToImmutableArray(),
                shared.Concat(own).ToImmutableArray());
        }).ToImmutableArray();
    }
}
