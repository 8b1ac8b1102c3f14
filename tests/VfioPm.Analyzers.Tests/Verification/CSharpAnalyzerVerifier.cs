using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Verification;

/// <summary>A <see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/> set up for VfioPm (see <see cref="VfioPmTestSetup"/>).</summary>
public sealed class VfioPmAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>Creates the test with the .NET 10 references and, unless <paramref name="withRuntime"/> is false, the runtime.</summary>
    public VfioPmAnalyzerTest(bool withRuntime = true) => VfioPmTestSetup.Apply(TestState, withRuntime);

    /// <inheritdoc/>
    protected override ParseOptions CreateParseOptions() => VfioPmTestSetup.Latest(base.CreateParseOptions());
}
