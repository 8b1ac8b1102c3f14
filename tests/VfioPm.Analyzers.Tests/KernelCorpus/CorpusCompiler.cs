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
/// Compiles one case with the prelude against the real runtime and runs every shipped analyzer. The only place the
/// corpus touches the test harness (framework references, <see cref="AnalyzerRun"/>, <see cref="Shipped.Analyzers"/>).
/// </summary>
public static class CorpusCompiler
{
    /// <summary>The case file's path inside its compilation.</summary>
    public const string CasePath = "/corpus/Case.cs";

    /// <summary>Compiles and analyzes <paramref name="case"/>.</summary>
    public static async Task<CaseRun> RunAsync(CorpusCase @case)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Parse);
        var trees = CorpusFiles.Prelude
            .Select(p => CSharpSyntaxTree.ParseText(SourceText.From(p.Text, Encoding.UTF8), parse, "/corpus/" + p.Name))
            .Append(CSharpSyntaxTree.ParseText(SourceText.From(@case.Text, Encoding.UTF8), parse, CasePath))
            .ToImmutableArray();
        var compilation = CSharpCompilation.Create(
            "KernelCorpus",
            trees,
            TestCompilation.References(AnnotationSource.RuntimeAssembly),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));

        var problems = ImmutableArray.CreateBuilder<string>();
        problems.AddRange(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => "compiler error " + TestCompilation.Format(d)));
        var run = await AnalyzerRun.RunAsync(compilation, Shipped.Analyzers).ConfigureAwait(false);
        problems.AddRange(run.Exceptions.Select(e => $"{e.Analyzer.GetType().Name} threw {e.Exception.GetType().Name}: {e.Exception.Message}"));
        problems.AddRange(run.FailureDiagnostics.Select(d => "analyzer failure " + TestCompilation.Format(d)));

        var vpm = run.Diagnostics.Where(d => d.Id.StartsWith("VPM", System.StringComparison.Ordinal) && d.Location.IsInSource).ToImmutableArray();
        // The prelude is plain kernel helpers: a diagnostic there would be charged to every case, so it stops the run.
        problems.AddRange(vpm.Where(d => d.Location.SourceTree!.FilePath != CasePath).Select(d => "diagnostic in the prelude " + TestCompilation.Format(d)));
        return new CaseRun(@case, vpm.Where(d => d.Location.SourceTree!.FilePath == CasePath).ToImmutableArray(), problems.ToImmutable());
    }
}
