using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Tests.Harness;
using VfioPm.Tests.Shared;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// samples/VfioPm.Samples.Diagnostics shows every rule exactly once, on the line its <c>// &lt;-- VPMxxxx</c> marker
/// names, with no analyzer exception.
/// </summary>
public sealed class DiagnosticsSampleTests
{
    [Fact]
    public async Task EveryRuleAppearsExactlyOnce()
    {
        var sources = Directory.GetFiles(SampleDirectory(), "*.cs").Select(File.ReadAllText).ToArray();
        var compilation = TestCompilation.Create(sources, VerifierSettings.Default with { AllowCompilerErrors = false });
        var run = await AnalyzerRun.RunAsync(compilation, Shipped.Analyzers);
        Assert.False(run.HasFailures, "an analyzer threw on the diagnostics sample");
        var ids = run.Diagnostics.Where(d => d.Id.StartsWith("VPM", StringComparison.Ordinal)).Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal).ToArray();
        var expected = Enumerable.Range(1, 11).Select(i => $"VPM{i:0000}").ToArray();
        Assert.Equal(expected, ids);

        var reported = run.Diagnostics.Where(d => d.Id.StartsWith("VPM", StringComparison.Ordinal))
            .Select(d => $"{d.Id} at line {d.Location.GetLineSpan().StartLinePosition.Line + 1}")
            .OrderBy(s => s, StringComparer.Ordinal);
        var marked = DiagnosticMarkers.Read(Path.Combine(SampleDirectory(), "WrongDriver.cs"))
            .Select(m => $"{m.Id} at line {m.Line}")
            .OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(marked, reported);
    }

    private static string SampleDirectory() => Path.Combine(Shipped.RepoRoot(), "samples", "VfioPm.Samples.Diagnostics");
}
