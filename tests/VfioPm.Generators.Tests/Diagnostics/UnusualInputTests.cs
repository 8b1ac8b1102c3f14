using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Generators.Diagnostics;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Diagnostics;

/// <summary>
/// Issue 17: unusual generator inputs get a VPM10nn diagnostic at the user's code or correct generated code, never a
/// generator crash (CS8785) or a diagnostic inside a generated file.
/// </summary>
public sealed class UnusualInputTests
{
    public static TheoryData<UnusualInput> Cases => new(UnusualInputCases.All);

    [Theory]
    [MemberData(nameof(Cases))]
    public void DiagnosedAtTheUsersCodeOrGeneratedCleanly(UnusualInput input)
    {
        var run = Run(TestCompilation.ParseOptions, ("Case.cs", Source(input, "Probe.Case")));

        Assert.Equal(input.Expected.OrderBy(x => x, StringComparer.Ordinal), run.Analyzer.Select(Describe).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(input.Files, run.Outcome.RunResult.GeneratedTrees.Length);
        Assert.Equal(input.CompilerErrors, run.UserErrors.Select(d => d.Id).Distinct().ToArray());
        Assert.Empty(run.InGenerated);
    }

    // The "Done when" of issue 17: every input in one compilation; the generator neither throws nor writes a file
    // with an error or warning, every class that can be generated is, and the analyzer reports what it reports alone.
    [Fact]
    public void AllUnusualInputsInOneCompilation()
    {
        var documented = TestCompilation.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var sources = UnusualInputCases.All.Select((c, i) => ($"Case{i}.cs", Source(c, $"Probe.Case{i}"))).ToArray();

        var run = Run(documented, sources);

        Assert.Empty(run.Outcome.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Outcome.Output.GetDiagnostics(), d => d.Id == "CS8785");
        Assert.Empty(run.InGenerated);
        Assert.Equal(UnusualInputCases.All.Sum(c => c.Files), run.Outcome.RunResult.GeneratedTrees.Length);
        var hints = run.Outcome.RunResult.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(hints.Count, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(
            UnusualInputCases.All.SelectMany((c, i) => c.Expected.Select(e => $"Case{i}.cs:{e}")).OrderBy(x => x, StringComparer.Ordinal),
            run.Analyzer.Select(d => d.Location.SourceTree!.FilePath + ":" + Describe(d)).OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public void KeywordNamespacesAreEscapedToo()
    {
        var source = UnusualInputCases.Usings + "namespace Probe.@class.@event\n{\n    [VfioDeviceOps]\n    public partial class @fixed\n    {\n"
            + "        [PmDevice] public static Device @static { get; } = new(\"d\");\n"
            + "        [VfioIoctl(1)] private static int @void(Span<byte> a) => 0;\n    }\n}\n";

        var run = Run(TestCompilation.ParseOptions, ("Driver.cs", source));

        Assert.Empty(run.Analyzer);
        Assert.Contains("namespace Probe.@class.@event", Assert.Single(run.Outcome.RunResult.GeneratedTrees).ToString(), StringComparison.Ordinal);
        Assert.Empty(run.InGenerated);
        Assert.Empty(run.UserErrors);
    }

    [Fact]
    public void CollidingHintNamesAreDisambiguatedStablyAndOthersKeepTheirNames()
    {
        var body = "[VfioDeviceOps] public partial class Nvme { [PmDevice] public Device D { get; } = new(\"d\"); }\n"
            + "[VfioDeviceOps] public partial class NVMe { [PmDevice] public Device D { get; } = new(\"d\"); }\n"
            + "[VfioDeviceOps] public partial class Solo { [PmDevice] public Device D { get; } = new(\"d\"); }\n";
        var first = Hints(Run(TestCompilation.ParseOptions, ("A.cs", UnusualInputCases.Usings + "namespace Probe;\n" + body)));
        var reordered = Hints(Run(TestCompilation.ParseOptions, ("A.cs", UnusualInputCases.Usings + "namespace Probe;\n" + string.Join("\n", body.Split('\n').Reverse()))));

        Assert.Contains("Probe.Solo.VfioDeviceOps.g.cs", first);
        Assert.Equal(3, first.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(first.Where(h => !h.StartsWith("Probe.Solo", StringComparison.Ordinal)), h => Assert.Matches(@"^Probe\.(Nvme|NVMe)\.[0-9a-f]{8}\.VfioDeviceOps\.g\.cs$", h));
        Assert.Equal(first.OrderBy(h => h, StringComparer.Ordinal), reordered.OrderBy(h => h, StringComparer.Ordinal));
    }

    [Fact]
    public void UserOverloadOfIoctlLeavesTheGeneratedCrefsUnambiguous()
    {
        var documented = TestCompilation.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var body = "/// <summary>D.</summary>\n[VfioDeviceOps]\npublic partial class Driver\n{\n"
            + "    /// <summary>D.</summary>\n    [PmDevice] public Device Device { get; } = new(\"d\");\n"
            + "    /// <summary>Overload.</summary>\n    /// <param name=\"cmd\">c.</param>\n    /// <param name=\"arg\">a.</param>\n    /// <returns>r.</returns>\n"
            + "    public int Ioctl(uint cmd, byte[] arg) => 0;\n"
            + "    [VfioFeature(3, FeatureOps.Set)] private int F(uint f, Span<byte> p) => 0;\n}\n";

        var run = Run(documented, ("Driver.cs", UnusualInputCases.Usings + "namespace Probe;\n" + body));

        Assert.Empty(run.Analyzer);
        Assert.Single(run.Outcome.RunResult.GeneratedTrees);
        Assert.Empty(run.InGenerated);
        Assert.Empty(run.UserErrors);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, true)]
    [InlineData(LanguageVersion.CSharp8, false)]
    public void LanguageVersionBelowEightIsDiagnosedAndNothingIsGenerated(LanguageVersion version, bool tooLow)
    {
        // No file-scoped namespace, no target-typed new: the class itself is C# 7.3.
        var source = UnusualInputCases.Usings + "namespace Probe\n{\n    [VfioDeviceOps]\n    public partial class Driver\n    {\n"
            + "        [PmDevice] public Device Device { get; } = new Device(\"d\");\n"
            + "        [VfioIoctl(1)] private int H(Span<byte> a) { return 0; }\n    }\n}\n";

        var run = Run(new CSharpParseOptions(version), ("Driver.cs", source));

        Assert.Equal(tooLow ? new[] { "VPM1013@Driver" } : Array.Empty<string>(), run.Analyzer.Select(Describe).ToArray());
        Assert.Equal(tooLow ? 0 : 1, run.Outcome.RunResult.GeneratedTrees.Length);
        Assert.Empty(run.InGenerated);
        Assert.Empty(run.UserErrors);
        if (tooLow)
        {
            Assert.Contains("C# 7.3", run.Analyzer.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FeatureIdsAppearInMessagesAsTheUapiWritesThem()
    {
        var body = "[VfioDeviceOps]\npublic partial class Driver\n{\n    [PmDevice] public Device Device { get; } = new(\"d\");\n"
            + "    [VfioFeature(0x8002, FeatureOps.Get)] private int A(uint f, Span<byte> p) => 0;\n"
            + "    [VfioFeature(0x8002, FeatureOps.Set)] private int B(uint f, Span<byte> p) => 0;\n"
            + "    [VfioFeature(3, FeatureOps.None)] private int C(uint f, Span<byte> p) => 0;\n}\n";

        var messages = Run(TestCompilation.ParseOptions, ("Driver.cs", UnusualInputCases.Usings + "namespace Probe;\n" + body))
            .Analyzer.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).OrderBy(m => m, StringComparer.Ordinal).ToArray();

        Assert.Equal(2, messages.Length);
        Assert.Contains("handles feature 0x8002, which 'A' already handles", messages[0], StringComparison.Ordinal);
        Assert.StartsWith("[VfioFeature(3)] on 'C'", messages[1], StringComparison.Ordinal);
    }

    internal static string Source(UnusualInput input, string ns) => UnusualInputCases.Usings + "namespace " + ns + ";\n\n" + input.Body + "\n";

    private static string Describe(Diagnostic d) => d.Id + "@" + d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    private static List<string> Hints(RunOutcome run) =>
        run.Outcome.RunResult.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();

    private static RunOutcome Run(CSharpParseOptions options, params (string Path, string Text)[] sources)
    {
        var compilation = TestCompilation.Create(sources).RemoveAllSyntaxTrees()
            .AddSyntaxTrees(sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, options, s.Path)));
        if (options.LanguageVersion < LanguageVersion.CSharp8)
        {
            compilation = compilation.WithOptions(compilation.Options.WithNullableContextOptions(NullableContextOptions.Disable));
        }

        var driver = CSharpGeneratorDriver.Create(new[] { new VfioDeviceOpsGenerator().AsSourceGenerator() }, parseOptions: options)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var outcome = new GeneratorOutcome(driver, driver.GetRunResult(), output, generatorDiagnostics);

        var generated = outcome.RunResult.GeneratedTrees.ToHashSet();
        var compiler = output.GetDiagnostics();
        var inGenerated = compiler.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } t && generated.Contains(t)).ToList();
        var userErrors = compiler.Where(d => d.Severity == DiagnosticSeverity.Error && !(d.Location.SourceTree is { } t && generated.Contains(t))).ToList();

        // Analyzer exceptions surface as AD0001; they fail here rather than vanish.
        var exceptions = new List<Exception>();
        var analyzer = output
            .WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(new VfioDeviceOpsAnalyzer()),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (e, _, _) => exceptions.Add(e), concurrentAnalysis: false, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.Empty(exceptions);
        Assert.DoesNotContain(analyzer, d => d.Id == "AD0001");
        return new RunOutcome(outcome, analyzer, inGenerated, userErrors);
    }

    private sealed record RunOutcome(GeneratorOutcome Outcome, ImmutableArray<Diagnostic> Analyzer, List<Diagnostic> InGenerated, List<Diagnostic> UserErrors);
}
