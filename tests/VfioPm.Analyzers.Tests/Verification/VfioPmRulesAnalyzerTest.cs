using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Rules;

namespace VfioPm.Analyzers.Tests.Verification;

/// <summary>
/// A <see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/> that runs the flow rules together (<see cref="Flow"/>:
/// reference balance, contracts, device access, sync transitions, memory lock balance, guarded-by), set up as
/// <see cref="VfioPmAnalyzerTest{TAnalyzer}"/>; every reported diagnostic must be expected.
/// </summary>
public sealed class VfioPmRulesAnalyzerTest : CSharpAnalyzerTest<EmptyDiagnosticAnalyzer, DefaultVerifier>
{
    /// <summary>The rules the contract tests run at once.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Flow { get; } =
    [
        new PmReferenceBalanceAnalyzer(), new ContractAnalyzer(), new DeviceAccessAnalyzer(), new SyncTransitionUnderLockAnalyzer(),
        new MemoryLockBalanceAnalyzer(), new GuardedByAnalyzer(),
    ];

    /// <summary>Creates the test with the .NET 10 references and the runtime.</summary>
    public VfioPmRulesAnalyzerTest() => VfioPmTestSetup.Apply(TestState);

    /// <summary>Runs <see cref="Flow"/> on <paramref name="source"/> and checks it reports exactly <paramref name="expected"/>.</summary>
    public static Task RunAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new VfioPmRulesAnalyzerTest { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <inheritdoc/>
    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Flow;

    /// <inheritdoc/>
    protected override ParseOptions CreateParseOptions() => VfioPmTestSetup.Latest(base.CreateParseOptions());
}
