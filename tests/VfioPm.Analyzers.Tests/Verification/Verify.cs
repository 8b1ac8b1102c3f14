using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Verification;

/// <summary>Short forms over <see cref="VfioPmAnalyzerTest{TAnalyzer}"/>.</summary>
public static class Verify
{
    /// <summary>
    /// Runs <typeparamref name="TAnalyzer"/> on <paramref name="markup"/>: <c>{|VPM0001:span|}</c> marks an expected
    /// diagnostic (its additional locations not checked), <c>{|#0:span|}</c> a location that <paramref name="expected"/>
    /// names; every reported diagnostic must be expected, and compiler errors fail the test.
    /// </summary>
    public static Task AnalyzerAsync<TAnalyzer>(string markup, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new VfioPmAnalyzerTest<TAnalyzer> { TestCode = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>An expected VfioPm diagnostic at its default severity (warning).</summary>
    public static DiagnosticResult Diagnostic(string id) => new(id, DiagnosticSeverity.Warning);
}
