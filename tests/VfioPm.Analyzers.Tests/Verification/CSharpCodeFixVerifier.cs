using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Verification;

/// <summary>A <see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/> set up for VfioPm (see <see cref="VfioPmTestSetup"/>).</summary>
public sealed class VfioPmCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>Creates the test with the .NET 10 references and the runtime.</summary>
    public VfioPmCodeFixTest() => VfioPmTestSetup.Apply(TestState);

    /// <inheritdoc/>
    protected override ParseOptions CreateParseOptions() => VfioPmTestSetup.Latest(base.CreateParseOptions());
}
