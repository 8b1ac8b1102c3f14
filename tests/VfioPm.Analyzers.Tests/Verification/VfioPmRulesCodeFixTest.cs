using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Verification;

/// <summary>
/// A <see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/> for a fix whose diagnostics come from several
/// analyzers at once (<see cref="Analyzers"/>), set up as <see cref="VfioPmCodeFixTest{TAnalyzer, TCodeFix}"/>.
/// </summary>
public sealed class VfioPmRulesCodeFixTest<TCodeFix> : CSharpCodeFixTest<EmptyDiagnosticAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>Creates the test with the .NET 10 references and the runtime.</summary>
    public VfioPmRulesCodeFixTest(ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        Analyzers = analyzers;
        VfioPmTestSetup.Apply(TestState);
    }

    /// <summary>The analyzers whose diagnostics the test expects and the fix consumes.</summary>
    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    /// <inheritdoc/>
    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

    /// <inheritdoc/>
    protected override ParseOptions CreateParseOptions() => VfioPmTestSetup.Latest(base.CreateParseOptions());
}
