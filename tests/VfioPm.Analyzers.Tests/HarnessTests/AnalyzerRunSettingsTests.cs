using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Tests.Harness;
using Xunit.Sdk;

namespace VfioPm.Analyzers.Tests.HarnessTests;

/// <summary>
/// The settings our own runners (<see cref="RobustnessRunner"/>, the rule-doc and corpus runners) pass through
/// <see cref="TestCompilation"/> and <see cref="AnalyzerRun"/>: source suppressions, <c>.editorconfig</c> severities and
/// options, and the annotation sources. <c>[|...|]</c> marks where the test rule must be reported.
/// </summary>
public class AnalyzerRunSettingsTests
{
    // Two ResumeAndGet calls, on lines 7 and 14.
    private const string Source = """
        using VfioPm.Runtime.Power;

        public static class Driver
        {
            public static int Probe(Device dev)
            {
                var ret = dev.Power.ResumeAndGet();
                if (ret != 0)
                {
                    return ret;
                }

                dev.Power.Put();
                return dev.Power.ResumeAndGet();
            }
        }
        """;

    private const string Call = "dev.Power.ResumeAndGet()";

    private static string MarkBoth(string open, string close) => Source.Replace(Call, open + Call + close, StringComparison.Ordinal);

    /// <summary>Runs <paramref name="analyzer"/> (one rule) and checks it reported exactly the marked spans, and did not throw.</summary>
    private static async Task<ImmutableArray<Diagnostic>> RunAsync(DiagnosticAnalyzer analyzer, string markup, VerifierSettings? settings = null)
    {
        settings ??= VerifierSettings.Default;
        var parsed = Markup.Parse(markup);
        var run = await AnalyzerRun.RunAsync(TestCompilation.Create(parsed.Source, settings), [analyzer], settings.AnalyzerOptions());
        run.AssertNoAnalyzerFailures();
        var rule = Assert.Single(analyzer.SupportedDiagnostics).Id;
        Assert.All(run.Diagnostics, d => Assert.Equal(rule, d.Id));
        Assert.Equal(
            parsed.Expected.Select(e => e.Span).OrderBy(s => s.Start).ThenBy(s => s.Length),
            run.Diagnostics.Select(d => d.Location.SourceSpan).OrderBy(s => s.Start).ThenBy(s => s.Length));
        return run.Diagnostics;
    }

    [Fact]
    public async Task An_analyzer_exception_always_fails_as_AD0001()
    {
        // Even with no expected diagnostics and none reported.
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => RunAsync(new ThrowingAnalyzer(), Source));
        Assert.Contains("AD0001", error.Message, StringComparison.Ordinal);
        Assert.Contains("deliberate test failure", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ThrowingAnalyzer), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_throwing_analyzer_passes_where_it_does_not_throw()
    {
        // The AD0001 check is about the exception, not the analyzer: no invocation, no throw, no failure.
        Assert.Empty(await RunAsync(new ThrowingAnalyzer(), "public class C { int M() => 1; }"));
    }

    [Fact]
    public async Task Pragma_suppresses()
    {
        const string markup = """
            using VfioPm.Runtime.Power;

            public static class Driver
            {
                public static int A(Device dev)
                {
            #pragma warning disable VPM9999 // the reference is handed to the caller
                    return dev.Power.ResumeAndGet();
            #pragma warning restore VPM9999
                }

                public static int B(Device dev) => [|dev.Power.ResumeAndGet()|];
            }
            """;
        await RunAsync(new ResumeAndGetCallAnalyzer(), markup);
    }

    [Fact]
    public async Task SuppressMessage_attribute_suppresses()
    {
        const string markup = """
            using System.Diagnostics.CodeAnalysis;
            using VfioPm.Runtime.Power;

            public static class Driver
            {
                [SuppressMessage("VfioPm.Test", "VPM9999:Test rule", Justification = "The caller puts the reference.")]
                public static int A(Device dev) => dev.Power.ResumeAndGet();

                public static int B(Device dev) => [|dev.Power.ResumeAndGet()|];
            }
            """;
        await RunAsync(new ResumeAndGetCallAnalyzer(), markup);
    }

    [Fact]
    public async Task Editorconfig_severity_none_suppresses_and_other_severities_do_not()
    {
        var off = VerifierSettings.Default with { EditorConfig = "root = true\n\n[*.cs]\ndotnet_diagnostic.VPM9999.severity = none\n" };
        await RunAsync(new ResumeAndGetCallAnalyzer(), Source, off);

        var error = off with { EditorConfig = "root = true\n\n[*.cs]\ndotnet_diagnostic.VPM9999.severity = error\n" };
        var diagnostics = await RunAsync(new ResumeAndGetCallAnalyzer(), MarkBoth("[|", "|]"), error);
        Assert.All(diagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity));
    }

    [Fact]
    public async Task Editorconfig_category_severity_applies_to_dotted_categories()
    {
        // The README recommends dotnet_analyzer_diagnostic.category-VfioPm.Locking.severity; the test rules' category is "VfioPm.Test".
        var off = VerifierSettings.Default with { EditorConfig = "root = true\n\n[*.cs]\ndotnet_analyzer_diagnostic.category-VfioPm.Test.severity = none\n" };
        await RunAsync(new ResumeAndGetCallAnalyzer(), Source, off);

        var other = VerifierSettings.Default with { EditorConfig = "root = true\n\n[*.cs]\ndotnet_analyzer_diagnostic.category-VfioPm.Locking.severity = none\n" };
        await RunAsync(new ResumeAndGetCallAnalyzer(), MarkBoth("[|", "|]"), other);
    }

    [Fact]
    public async Task Editorconfig_options_reach_the_analyzer()
    {
        await RunAsync(new OptionReadingAnalyzer(), Source);
        var on = VerifierSettings.Default with { EditorConfig = "root = true\n\n[*.cs]\nvfiopm_test.report = true\n" };
        await RunAsync(new OptionReadingAnalyzer(), MarkBoth("[|", "|]"), on);
    }

    [Fact]
    public async Task Annotations_match_by_metadata_name_whichever_assembly_declares_them()
    {
        // The real runtime: GetSync, ResumeAndGet and GetNoResume are acquires; Put is not.
        await RunAsync(new AcquireCallAnalyzer(), """
            using VfioPm.Runtime.Power;

            public static class Driver
            {
                public static void M(Device dev)
                {
                    [|dev.Power.GetSync()|];
                    [|dev.Power.ResumeAndGet()|];
                    [|dev.Power.GetNoResume()|];
                    dev.Power.Put();
                }
            }
            """);

        // A driver's own internal copy of the attributes, no runtime reference.
        const string own = """
            using VfioPm.Annotations;

            public sealed class MyPm
            {
                [AcquiresPmReference]
                public int GetSync() => 0;

                [ReleasesPmReference]
                public int Put() => 0;
            }

            public static class Driver
            {
                public static void M(MyPm pm)
                {
                    [|pm.GetSync()|];
                    pm.Put();
                }
            }
            """;
        await RunAsync(new AcquireCallAnalyzer(), own, VerifierSettings.Default with { Annotations = AnnotationSource.InlineInternal });
        await RunAsync(new AcquireCallAnalyzer(), own, VerifierSettings.Default with { Annotations = AnnotationSource.Inline });
    }
}
