using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>samples/VfioPm.Samples.Diagnostics shows every rule exactly once, with no analyzer exception.</summary>
public sealed class DiagnosticsSampleTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> All = typeof(VfioPm.Analyzers.Rules.PmReferenceBalanceAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    [Fact]
    public async Task EveryRuleAppearsExactlyOnce()
    {
        var sources = Directory.GetFiles(SampleDirectory(), "*.cs").Select(File.ReadAllText).ToArray();
        var compilation = TestCompilation.Create(sources, VerifierSettings.Default with { AllowCompilerErrors = false });
        var run = await AnalyzerRun.RunAsync(compilation, All);
        Assert.False(run.HasFailures, "an analyzer threw on the diagnostics sample");
        var ids = run.Diagnostics.Where(d => d.Id.StartsWith("VPM", StringComparison.Ordinal)).Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal).ToArray();
        var expected = Enumerable.Range(1, 11).Select(i => $"VPM{i:0000}").ToArray();
        Assert.Equal(expected, ids);
    }

    // From this file's own path: the binaries may live outside the repository (--artifacts-path).
    private static string SampleDirectory([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(thisFile)!); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "VfioPm.Samples.Diagnostics");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/VfioPm.Samples.Diagnostics not found above " + thisFile);
    }
}
