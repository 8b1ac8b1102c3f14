using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using VfioPm.Analyzers.CodeFixes;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;
using VfioPm.Tests.Shared;

namespace VfioPm.Analyzers.Tests.CodeFixes;

/// <summary>
/// The code fixes while someone types: on every line prefix of real driver code (the packaging test's FixSafety
/// consumer, mostly broken syntax), each diagnostic the analyzers report is offered to its fix, and registering and
/// computing every offered action must not throw.
/// </summary>
public sealed class CodeFixRobustnessTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = [new PmReferenceBalanceAnalyzer(), new UnmaskedResumeErrorAnalyzer()];
    private static readonly CodeFixProvider[] Fixes = [new UseResumeAndGetCodeFix(), new MaskAsEioCodeFix()];

    [Fact]
    public async Task FixesNeverThrowOnAnyLinePrefix()
    {
        var path = Path.Combine(RepositoryRoot.Path, "tests", "VfioPm.Packaging.Tests", "Consumer", "FixSafety", "Driver.cs");
        var text = SourceText.From(File.ReadAllText(path));
        var computed = 0;
        using var workspace = new AdhocWorkspace();
        for (var n = 1; n <= text.Lines.Count; n++)
        {
            var prefix = text.ToString(TextSpan.FromBounds(0, text.Lines[n - 1].EndIncludingLineBreak));
            var document = workspace.CurrentSolution
                .AddProject("Driver", "Driver", LanguageNames.CSharp)
                .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
                .AddMetadataReferences(VfioPmTestSetup.Framework.Add(VfioPmTestSetup.Runtime))
                .AddDocument("Driver.cs", prefix);
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostics = await compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync();
            foreach (var diagnostic in diagnostics)
            {
                foreach (var fix in Fixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    var actions = new List<CodeAction>();
                    await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                    foreach (var action in actions)
                    {
                        Assert.NotEmpty(await action.GetOperationsAsync(CancellationToken.None));
                        computed++;
                    }
                }
            }
        }

        // The prefixes did reach the fixes (the full file alone offers six: two for VPM0003, four for VPM0008).
        Assert.True(computed > 20, $"only {computed} fixes computed over {text.Lines.Count} prefixes");
    }
}
