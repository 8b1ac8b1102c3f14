using System;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Tests.Harness;
using Xunit.Sdk;

namespace VfioPm.Analyzers.Tests.HarnessTests;

public class RobustnessRunnerTests
{
    private const string Source = """
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;

        public static class Driver
        {
            public static int Probe(Device dev, VfioPciCoreDevice vdev)
            {
                var ret = {|VPM9999:dev.Power.ResumeAndGet()|};
                if (ret != 0)
                {
                    return ret;
                }

                using (vdev.MemoryLock.WriteLock())
                {
                    dev.Power.PutNoIdle();
                }

                return 0;
            }
        }
        """;

    [Fact]
    public async Task Every_line_prefix_is_analyzed()
    {
        var count = await RobustnessRunner.RunOnPrefixesAsync<ResumeAndGetCallAnalyzer>(Source);
        Assert.Equal(21, count);
    }

    [Fact]
    public async Task An_analyzer_that_throws_only_on_broken_syntax_is_caught()
    {
        // The whole file is fine for it...
        var whole = Source.Replace("{|VPM9999:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);
        var run = await AnalyzerRun.RunAsync(TestCompilation.Create(whole), [new ThrowsOnBrokenSyntaxAnalyzer()], VerifierSettings.Default.AnalyzerOptions());
        run.AssertNoAnalyzerFailures();
        Assert.Empty(run.Diagnostics);

        // ...its prefixes are not.
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => RobustnessRunner.RunOnPrefixesAsync<ThrowsOnBrokenSyntaxAnalyzer>(Source));
        Assert.Contains("line prefixes", error.Message, StringComparison.Ordinal);
        Assert.Contains("broken syntax", error.Message, StringComparison.Ordinal);
        Assert.Contains("first 4 line(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_analyzers_run_together_and_any_one_failing_fails()
    {
        var error = await Assert.ThrowsAnyAsync<XunitException>(() =>
            RobustnessRunner.RunOnPrefixesAsync([new ResumeAndGetCallAnalyzer(), new ThrowingAnalyzer()], Source));
        Assert.Contains("deliberate test failure", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ThrowingAnalyzer), error.Message, StringComparison.Ordinal);

        Assert.Equal(21, await RobustnessRunner.RunOnPrefixesAsync([new ResumeAndGetCallAnalyzer(), new AcquireCallAnalyzer()], Source));
    }

    [Fact]
    public async Task Hostile_variants_fail_on_an_analyzer_exception_and_name_the_variant()
    {
        var variants = MalformedCode.Mutants("Source.cs", Source.Replace("{|VPM9999:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal), seed: 3, count: 4);
        var error = await Assert.ThrowsAnyAsync<XunitException>(() =>
            RobustnessRunner.RunOnVariantsAsync([new ThrowsOnBrokenSyntaxAnalyzer()], variants, TimeSpan.FromSeconds(30)));
        Assert.Contains("hostile sources broke an analyzer", error.Message, StringComparison.Ordinal);
        Assert.Contains("Source.cs, ", error.Message, StringComparison.Ordinal);
        Assert.Contains("broken syntax", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_variants_fail_when_an_analyzer_exceeds_the_time_bound()
    {
        var variants = new[] { new MalformedSource("slow one", "class C { }") };
        var error = await Assert.ThrowsAnyAsync<XunitException>(() =>
            RobustnessRunner.RunOnVariantsAsync([new SlowAnalyzer()], variants, TimeSpan.FromMilliseconds(50)));
        Assert.Contains("SlowAnalyzer took", error.Message, StringComparison.Ordinal);

        // Within a generous bound the same analyzer passes, and the summary names it as the slowest.
        var summary = await RobustnessRunner.RunOnVariantsAsync([new SlowAnalyzer()], variants, TimeSpan.FromSeconds(30));
        Assert.Equal(1, summary.Variants);
        Assert.Equal(nameof(SlowAnalyzer), summary.SlowestAnalyzer);
        Assert.True(summary.SlowestTime >= SlowAnalyzer.Delay * 0.9, summary.ToString());
    }
}
