using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Harness;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Docs;

/// <summary>
/// The rule pages' examples against the shipped analyzers (all of them together, as a user has them): a "Wrong" example
/// is reported exactly on the lines marked <c>// VPMxxxx:</c>, and a "Right" example has no VPM diagnostic at all.
/// </summary>
public class RuleDocExamplesTests
{
    private static readonly Regex Marker = new(@"// (VPM0[0-9]{3}):", RegexOptions.Compiled);

    public static IEnumerable<object[]> RuleIds => RuleDocsTests.RuleIds;

    /// <summary>Every analyzer in the VfioPm.Analyzers assembly.</summary>
    private static ImmutableArray<DiagnosticAnalyzer> Analyzers() =>
        typeof(Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    [Theory]
    [MemberData(nameof(RuleIds))]
    public async Task Wrong_is_reported_on_the_marked_lines_and_Right_is_clean(string id)
    {
        var analyzers = Analyzers();
        Assert.True(
            analyzers.Any(a => a.SupportedDiagnostics.Any(d => d.Id == id)),
            $"No analyzer in {typeof(Descriptors).Assembly.GetName().Name} supports {id}, so its page's examples cannot be checked.");
        var doc = RuleDoc.For(id);

        var wrong = doc.CSharp("Wrong").Single();
        var expected = wrong.Split('\n')
            .SelectMany((line, i) => Marker.Matches(line).Select(m => $"{m.Groups[1].Value} at line {i + 1}"))
            .OrderBy(x => x, StringComparer.Ordinal)
            .ToList();
        Assert.Contains(expected, e => e.StartsWith(id, StringComparison.Ordinal));
        Assert.Equal(expected, await ReportedAsync(analyzers, wrong, $"{id} Wrong"));

        foreach (var right in doc.CSharp("Right"))
        {
            Assert.Empty(await ReportedAsync(analyzers, right, $"{id} Right"));
        }
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public async Task Every_line_prefix_of_the_examples_is_analyzed_without_an_exception(string id)
    {
        // What the IDE shows the analyzers while someone types the example in.
        var settings = VerifierSettings.Default with { AdditionalSources = [RuleDoc.ExamplePrelude] };
        var examples = RuleDoc.For(id).Blocks.Where(b => b.Language == "csharp" && b.Section is "Wrong" or "Right").ToList();
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            Assert.True(await RobustnessRunner.RunOnPrefixesAsync(Analyzers(), example.Code, settings) > 1);
        }
    }

    [Fact]
    public Task VPM0003_fix_turns_the_wrong_example_into_ResumeAndGet() =>
        VerifyDocumentedFixAsync("VPM0003", "pdev.Power.GetSync()", "{|VPM0003:pdev.Power.GetSync()|}", "GetSync()", "ResumeAndGet()");

    [Fact]
    public Task VPM0008_fix_masks_the_wrong_example_as_EIO() =>
        VerifyDocumentedFixAsync("VPM0008", "return ret; //", "return {|VPM0008:ret|}; //", "return ret; //", "return ret < 0 ? -Errno.EIO : ret; //");

    /// <summary>The page's "Wrong" example, marked and fixed with the shipped fix, gives what its "Code fix" section says.</summary>
    private static async Task VerifyDocumentedFixAsync(string id, string mark, string marked, string from, string to)
    {
        var fix = typeof(Descriptors).Assembly.GetName().Name + ".CodeFixes";
        var provider = System.Reflection.Assembly.Load(fix).GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .Single(p => p.FixableDiagnosticIds.Contains(id));
        var analyzer = Analyzers().Single(a => a.SupportedDiagnostics.Any(d => d.Id == id));
        Assert.Contains(to.TrimEnd('/', ' '), RuleDoc.For(id).Section("Code fix") + RuleDoc.For(id).CSharp("Right").Single(), StringComparison.Ordinal);

        var wrong = RuleDoc.ExamplePrelude.Replace("global using", "using", StringComparison.Ordinal) + "\n" + RuleDoc.For(id).CSharp("Wrong").Single();
        Assert.Contains(mark, wrong, StringComparison.Ordinal);
        await new ShippedFixTest(analyzer, provider)
        {
            TestCode = wrong.Replace(mark, marked, StringComparison.Ordinal),
            FixedCode = wrong.Replace(from, to, StringComparison.Ordinal),
        }.RunAsync();
    }

    // A CSharpCodeFixTest over the shipped analyzer and fix found by rule id (instances, not type arguments).
    private sealed class ShippedFixTest : CSharpCodeFixTest<EmptyDiagnosticAnalyzer, EmptyCodeFixProvider, DefaultVerifier>
    {
        private readonly DiagnosticAnalyzer _analyzer;
        private readonly CodeFixProvider _fix;

        public ShippedFixTest(DiagnosticAnalyzer analyzer, CodeFixProvider fix)
        {
            _analyzer = analyzer;
            _fix = fix;
            VfioPmTestSetup.Apply(TestState);
        }

        protected override ParseOptions CreateParseOptions() => VfioPmTestSetup.Latest(base.CreateParseOptions());

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => [_analyzer];

        protected override IEnumerable<CodeFixProvider> GetCodeFixProviders() => [_fix];
    }

    private static async Task<List<string>> ReportedAsync(ImmutableArray<DiagnosticAnalyzer> analyzers, string example, string what)
    {
        var compilation = TestCompilation.Create([example, RuleDoc.ExamplePrelude]);
        var run = await AnalyzerRun.RunAsync(compilation, analyzers);
        run.AssertNoAnalyzerFailures("on the " + what + " example");
        return run.Diagnostics
            .Where(d => d.Id.StartsWith("VPM0", StringComparison.Ordinal) && d.Location.SourceTree?.FilePath == TestCompilation.SourcePath(0))
            .Select(d => $"{d.Id} at line {d.Location.GetLineSpan().StartLinePosition.Line + 1}")
            .OrderBy(x => x, StringComparer.Ordinal)
            .ToList();
    }
}
