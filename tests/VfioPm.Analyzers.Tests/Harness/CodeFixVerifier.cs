using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>
/// Verifies a code fix over an <see cref="AdhocWorkspace"/>: the markup's diagnostics are checked first (as
/// <see cref="AnalyzerVerifier"/> does), then the chosen code action of the first fixable diagnostic is applied
/// repeatedly until no diagnostic of an id the fix handles remains (at most <see cref="MaxIterations"/> times); the
/// result must equal <c>after</c> (line endings normalized) and compile.
/// </summary>
public static class CodeFixVerifier
{
    /// <summary>How many fix applications a test may need before it is considered not to converge.</summary>
    public const int MaxIterations = 16;

    /// <summary>Verifies <typeparamref name="TCodeFix"/> on the diagnostics of <typeparamref name="TAnalyzer"/>.</summary>
    /// <param name="markupBefore">The source before the fix, with its expected diagnostics marked.</param>
    /// <param name="after">The expected source after every fix (plain C#).</param>
    /// <param name="codeActionIndex">Which of the offered code actions to apply (default: the first).</param>
    /// <param name="settings">Compilation and analyzer options.</param>
    public static Task VerifyFixAsync<TAnalyzer, TCodeFix>(string markupBefore, string after, int? codeActionIndex = null, VerifierSettings? settings = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new() =>
        VerifyFixAsync(new TAnalyzer(), new TCodeFix(), markupBefore, after, codeActionIndex, settings);

    /// <summary>Verifies <paramref name="fix"/> on the diagnostics of <paramref name="analyzer"/>.</summary>
    public static async Task VerifyFixAsync(
        DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markupBefore, string after, int? codeActionIndex = null, VerifierSettings? settings = null)
    {
        settings ??= VerifierSettings.Default;
        await AnalyzerVerifier.VerifyAsync(analyzer, markupBefore, settings).ConfigureAwait(false);

        var fixableIds = fix.FixableDiagnosticIds.ToImmutableHashSet(StringComparer.Ordinal);
        var sources = new[] { Markup.Parse(markupBefore).Source }.Concat(settings.AdditionalSources.Select(s => Markup.Parse(s).Source));
        using var workspace = new AdhocWorkspace();
        var (solution, projectId, mainId) = CreateSolution(workspace, TestCompilation.Sources(sources, settings), settings);
        var options = AnalyzerVerifier.AnalyzerOptionsFor(settings);

        var applied = 0;
        Compilation compilation;
        while (true)
        {
            compilation = (await solution.GetProject(projectId)!.GetCompilationAsync().ConfigureAwait(false))!;
            var run = await AnalyzerRun.RunAsync(compilation, [analyzer], options).ConfigureAwait(false);
            run.AssertNoAnalyzerFailures($"after {applied} fix(es)");
            var target = run.Diagnostics.FirstOrDefault(d => fixableIds.Contains(d.Id) && d.Location.IsInSource);
            if (target is null)
            {
                break; // no diagnostic of a fixable id is left in any document
            }

            if (applied == MaxIterations)
            {
                Assert.Fail($"The fix did not converge: {MaxIterations} applications and still {TestCompilation.Format(target)}");
            }

            solution = await ApplyAsync(solution, fix, target, codeActionIndex ?? 0).ConfigureAwait(false);
            applied++;
        }

        if (applied == 0)
        {
            Assert.Fail($"Nothing to fix: the markup has no diagnostic with an id of {fix.GetType().Name} ({string.Join(", ", fixableIds)}).");
        }

        var actual = (await solution.GetDocument(mainId)!.GetTextAsync().ConfigureAwait(false)).ToString();
        AssertSameText(after, actual);
        if (!settings.AllowCompilerErrors)
        {
            TestCompilation.AssertNoCompilerErrors(compilation, "The fixed source does not compile");
        }
    }

    /// <summary>The code actions <paramref name="fix"/> offers for <paramref name="diagnostic"/> in <paramref name="document"/>.</summary>
    public static async Task<ImmutableArray<CodeAction>> GetActionsAsync(CodeFixProvider fix, Document document, Diagnostic diagnostic)
    {
        var actions = ImmutableArray.CreateBuilder<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await fix.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        return actions.ToImmutable();
    }

    private static async Task<Solution> ApplyAsync(Solution solution, CodeFixProvider fix, Diagnostic target, int index)
    {
        var document = solution.GetDocument(target.Location.SourceTree)
            ?? throw new InvalidOperationException($"No document for {target.Location.SourceTree?.FilePath}.");
        var actions = await GetActionsAsync(fix, document, target).ConfigureAwait(false);
        if (actions.IsEmpty)
        {
            Assert.Fail($"{fix.GetType().Name} offered no code action for {TestCompilation.Format(target)}");
        }

        if (index < 0 || index >= actions.Length)
        {
            Assert.Fail($"Code action index {index} is out of range; offered: {string.Join(", ", actions.Select((a, i) => $"[{i}] {a.Title}"))}");
        }

        var operations = await actions[index].GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        var changed = operations.OfType<ApplyChangesOperation>().SingleOrDefault()?.ChangedSolution;
        if (changed is null)
        {
            Assert.Fail($"Code action \"{actions[index].Title}\" has no ApplyChangesOperation.");
        }

        if (!changed.GetChanges(solution).GetProjectChanges().Any(p => p.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true).Any()))
        {
            Assert.Fail($"Code action \"{actions[index].Title}\" changed nothing for {TestCompilation.Format(target)}");
        }

        return changed;
    }

    private static (Solution Solution, ProjectId Project, DocumentId Main) CreateSolution(
        AdhocWorkspace workspace, ImmutableArray<TestSource> sources, VerifierSettings settings)
    {
        var projectId = ProjectId.CreateNewId("TestProject");
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            name: "TestProject",
            assemblyName: "TestProject",
            language: LanguageNames.CSharp,
            compilationOptions: TestCompilation.CompilationOptions,
            parseOptions: TestCompilation.ParseOptions(settings),
            metadataReferences: TestCompilation.References(settings.Annotations)));
        DocumentId? main = null;
        foreach (var source in sources)
        {
            var id = DocumentId.CreateNewId(projectId, source.Path);
            main ??= id;
            solution = solution.AddDocument(id, System.IO.Path.GetFileName(source.Path), SourceText.From(source.Text, Encoding.UTF8), filePath: source.Path);
        }

        if (settings.EditorConfig is { } editorConfig)
        {
            solution = solution.AddAnalyzerConfigDocument(
                DocumentId.CreateNewId(projectId, ".editorconfig"), ".editorconfig", SourceText.From(editorConfig), filePath: TestCompilation.EditorConfigPath);
        }

        return (solution, projectId, main!);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private static void AssertSameText(string expected, string actual)
    {
        var e = Normalize(expected).Split('\n');
        var a = Normalize(actual).Split('\n');
        if (e.SequenceEqual(a))
        {
            return;
        }

        var line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }

        var message = new StringBuilder();
        message.AppendLine($"The fixed source differs from the expected one at line {line + 1}:");
        message.AppendLine($"  expected: {(line < e.Length ? Visible(e[line]) : "<end of text>")}");
        message.AppendLine($"  actual:   {(line < a.Length ? Visible(a[line]) : "<end of text>")}");
        message.AppendLine("Actual fixed source:");
        message.AppendLine(Normalize(actual));
        Assert.Fail(message.ToString());

        static string Visible(string s) => "\"" + s.Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
    }
}
