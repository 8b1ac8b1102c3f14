using System;
using System.Threading.Tasks;
using VfioPm.Analyzers.Tests.Harness;
using Xunit.Sdk;

namespace VfioPm.Analyzers.Tests.HarnessTests;

public class CodeFixVerifierTests
{
    private const string Before = """
        using VfioPm.Runtime.Power;

        public static class Driver
        {
            public static int Probe(Device dev)
            {
                var ret = {|VPM9998:dev.Power.GetSync()|};
                if (ret < 0)
                {
                    return ret;
                }

                dev.Power.Put();
                return {|VPM9998:dev.Power.GetSync()|};
            }
        }
        """;

    private const string After = """
        using VfioPm.Runtime.Power;

        public static class Driver
        {
            public static int Probe(Device dev)
            {
                var ret = dev.Power.ResumeAndGet();
                if (ret < 0)
                {
                    return ret;
                }

                dev.Power.Put();
                return dev.Power.ResumeAndGet();
            }
        }
        """;

    [Fact]
    public async Task The_fix_is_applied_until_no_diagnostic_is_left() =>
        await CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(Before, After);

    [Fact]
    public async Task Line_endings_are_normalized() =>
        await CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(Before.Replace("\n", "\r\n", StringComparison.Ordinal), After);

    [Fact]
    public async Task A_different_result_fails_naming_the_first_differing_line()
    {
        var wrong = After.Replace("return dev.Power.ResumeAndGet();", "return dev.Power.GetSync();", StringComparison.Ordinal);
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(Before, wrong));
        Assert.Contains("at line 14", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected: \"        return dev.Power.GetSync();\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_before_markup_is_verified_first()
    {
        var unmarked = Before.Replace("return {|VPM9998:dev.Power.GetSync()|}", "return dev.Power.GetSync()", StringComparison.Ordinal);
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(unmarked, After));
        Assert.Contains("Unexpected (1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_indexed_action_is_applied_and_a_result_that_does_not_compile_fails()
    {
        var bogus = After.Replace("ResumeAndGet", "Bogus", StringComparison.Ordinal);
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(Before, bogus, codeActionIndex: 1));
        Assert.Contains("does not compile", error.Message, StringComparison.Ordinal);
        Assert.Contains("CS1061", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_out_of_range_fails_listing_the_actions()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(Before, After, codeActionIndex: 7));
        Assert.Contains("[0] Use ResumeAndGet", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3] Nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fix_that_never_removes_the_diagnostic_fails_as_not_converging()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(Before, After, codeActionIndex: 2));
        Assert.Contains("did not converge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fix_that_changes_nothing_fails()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(Before, After, codeActionIndex: 3));
        Assert.Contains("changed nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_to_fix_fails()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => CodeFixVerifier.VerifyFixAsync<GetSyncCallAnalyzer, GetSyncFix>(After, After));
        Assert.Contains("Nothing to fix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analyzer_exception_fails_the_fix_test()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() =>
            CodeFixVerifier.VerifyFixAsync(new ThrowingAnalyzer(), new GetSyncFix(), After, After));
        Assert.Contains("AD0001", error.Message, StringComparison.Ordinal);
    }
}
