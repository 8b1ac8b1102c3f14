using System;
using System.Threading.Tasks;
using VfioPm.Analyzers.Tests.Harness;
using Xunit.Sdk;

namespace VfioPm.Analyzers.Tests.HarnessTests;

public class AnalyzerVerifierTests
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

    /// <summary>Wraps every occurrence of <paramref name="text"/> in <paramref name="source"/>.</summary>
    private static string MarkAll(string source, string text, string open, string close = "|}") =>
        source.Replace(text, open + text + close, StringComparison.Ordinal);

    private static string MarkBoth(string open, string close = "|}") => MarkAll(Source, Call, open, close);

    [Fact]
    public async Task Matching_markup_passes_with_ids_or_default_spans()
    {
        var result = await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("{|VPM9999:"));
        Assert.Equal(2, result.Diagnostics.Length);
        await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("[|", "|]"));
    }

    [Fact]
    public async Task A_missing_diagnostic_fails_with_its_position()
    {
        var markup = "public class C { void M() { {|VPM9999:N()|}; } void N() { } }";
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(markup));
        Assert.Contains("Missing (1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Test0.cs(1:29): VPM9999 on \"N()\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_diagnostic_fails_with_position_and_message()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(Source));
        Assert.Contains("Unexpected (2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Test0.cs(7:19): VPM9999 'dev.Power.ResumeAndGet' was called", error.Message, StringComparison.Ordinal);
        Assert.Contains("Test0.cs(14:16): VPM9999", error.Message, StringComparison.Ordinal);
        Assert.Contains("{|VPM9999:dev.Power.ResumeAndGet()|}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_span_is_both_missing_and_unexpected()
    {
        var markup = MarkAll(Source, "var ret = " + Call, "{|VPM9999:")
            .Replace("return " + Call, "return {|VPM9999:" + Call + "|}", StringComparison.Ordinal);
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(markup));
        Assert.Contains("Missing (1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unexpected (1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("reported on a different span: \"dev.Power.ResumeAndGet()\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_id_fails()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("{|VPM0001:")));
        Assert.Contains("Missing (2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unexpected (2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_diagnostic_reported_twice_fails()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerVerifier.VerifyAsync<DuplicateReportingAnalyzer>(MarkBoth("[|", "|]")));
        Assert.Contains("Unexpected (2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analyzer_exception_always_fails_as_AD0001()
    {
        // Even with no expected diagnostics and none reported.
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerVerifier.VerifyAsync<ThrowingAnalyzer>(Source));
        Assert.Contains("AD0001", error.Message, StringComparison.Ordinal);
        Assert.Contains("deliberate test failure", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ThrowingAnalyzer), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_throwing_analyzer_passes_where_it_does_not_throw()
    {
        // The AD0001 check is about the exception, not the analyzer: no invocation, no throw, no failure.
        var result = await AnalyzerVerifier.VerifyAsync<ThrowingAnalyzer>("public class C { int M() => 1; }");
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public async Task A_default_span_needs_an_analyzer_with_one_rule()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AnalyzerVerifier.VerifyAsync<TwoRuleAnalyzer>("public class C { [|int|] M() => 1; }"));
        Assert.Contains("VPM9995, VPM9994", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_text_can_be_required_of_every_diagnostic()
    {
        await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("[|", "|]"), expectMessageContains: "'dev.Power.ResumeAndGet' was called");
        var error = await Assert.ThrowsAnyAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("[|", "|]"), expectMessageContains: "GetSync"));
        Assert.Contains("does not contain \"GetSync\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_and_additional_locations_can_be_checked_on_the_result()
    {
        const string markup = """
            using VfioPm.Runtime.Power;

            public static class Driver
            {
                public static int {|#probe:Probe|}(Device dev) => {|VPM9999:dev.Power.ResumeAndGet()|};

                public static int {|#other:Other|}() => 0;
            }
            """;
        var result = await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(markup);
        result.AssertMessageContains("VPM9999", "'dev.Power.ResumeAndGet' was called").AssertAdditionalLocations("VPM9999", "probe");

        var wrongLocation = Assert.ThrowsAny<XunitException>(() => result.AssertAdditionalLocations("VPM9999", "other"));
        Assert.Contains("\"Other\"", wrongLocation.Message, StringComparison.Ordinal);
        Assert.Contains("\"Probe\"", wrongLocation.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<XunitException>(() => result.AssertAdditionalLocations("VPM9999"));
        Assert.ThrowsAny<XunitException>(() => result.AssertMessageContains("VPM9999", "PutSync"));
        Assert.ThrowsAny<XunitException>(() => result.Single("VPM0001"));
    }

    [Fact]
    public async Task Expected_spans_in_additional_sources_are_checked_too()
    {
        var settings = VerifierSettings.Default with
        {
            AdditionalSources = ["public static class Second { public static int M(VfioPm.Runtime.Power.Device d) => {|VPM9999:d.Power.ResumeAndGet()|}; }"],
        };
        await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("[|", "|]"), settings);

        var unmarked = settings with { AdditionalSources = ["public static class Second { public static int M(VfioPm.Runtime.Power.Device d) => d.Power.ResumeAndGet(); }"] };
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("[|", "|]"), unmarked));
        Assert.Contains("Test1.cs(1:", error.Message, StringComparison.Ordinal);
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
        await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(markup);
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
        await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(markup);
    }

    [Fact]
    public async Task Editorconfig_severity_none_suppresses_and_other_severities_do_not()
    {
        var off = VerifierSettings.Default with { EditorConfig = "root = true\n\n[*.cs]\ndotnet_diagnostic.VPM9999.severity = none\n" };
        await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(Source, off);

        var error = off with { EditorConfig = "root = true\n\n[*.cs]\ndotnet_diagnostic.VPM9999.severity = error\n" };
        var result = await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("[|", "|]"), error);
        Assert.All(result.Diagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity));
    }

    [Fact]
    public async Task Editorconfig_category_severity_applies_to_dotted_categories()
    {
        // The README recommends dotnet_analyzer_diagnostic.category-VfioPm.Locking.severity; the test rules' category is "VfioPm.Test".
        var off = VerifierSettings.Default with { EditorConfig = "root = true\n\n[*.cs]\ndotnet_analyzer_diagnostic.category-VfioPm.Test.severity = none\n" };
        await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(Source, off);

        var other = VerifierSettings.Default with { EditorConfig = "root = true\n\n[*.cs]\ndotnet_analyzer_diagnostic.category-VfioPm.Locking.severity = none\n" };
        await AnalyzerVerifier.VerifyAsync<ResumeAndGetCallAnalyzer>(MarkBoth("[|", "|]"), other);
    }

    [Fact]
    public async Task Editorconfig_options_reach_the_analyzer()
    {
        await AnalyzerVerifier.VerifyAsync<OptionReadingAnalyzer>(Source);
        var on = VerifierSettings.Default with { EditorConfig = "root = true\n\n[*.cs]\nvfiopm_test.report = true\n" };
        await AnalyzerVerifier.VerifyAsync<OptionReadingAnalyzer>(MarkBoth("[|", "|]"), on);
    }

    [Fact]
    public async Task Annotations_match_by_metadata_name_whichever_assembly_declares_them()
    {
        // The real runtime: GetSync, ResumeAndGet and GetNoResume are acquires; Put is not.
        await AnalyzerVerifier.VerifyAsync<AcquireCallAnalyzer>("""
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
        await AnalyzerVerifier.VerifyAsync<AcquireCallAnalyzer>(own, VerifierSettings.Default with { Annotations = AnnotationSource.InlineInternal });
        await AnalyzerVerifier.VerifyAsync<AcquireCallAnalyzer>(own, VerifierSettings.Default with { Annotations = AnnotationSource.Inline });
    }
}
