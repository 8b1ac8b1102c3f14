using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.CodeFixes;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// The "declare the contract" fix: offered where a body consistently keeps (or drops) a reference on its success
/// paths, not where it leaks on one error path; the declared contract compiles and checks clean (no VPM0001/VPM0002/
/// VPM0011 left); Fix All puts one attribute on each method however many exits reported it.
/// </summary>
public sealed class DeclareContractCodeFixTests
{
    private const string Header = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) => Pdev = pdev;
            public PciDevice Pdev { get; }

        """;

    // vfio_pci_core_enable(): keeps the open reference on success, puts it on each failing exit of the unwind.
    private const string Enable = """
            public int Enable(bool enableFails, bool resetLocked)
            {
                var ret = Pdev.Power.ResumeAndGet();
                if (ret < 0)
                    return ret;
                if (enableFails)
                {
                    ret = -Errno.EIO;
                    goto out_power;
                }

                if (resetLocked)
                {
                    ret = -Errno.EAGAIN;
                    goto out_power;
                }

                return 0;
            out_power:
                Pdev.Power.Put();
                return ret;
            }

        """;

    // vfio_pci_core_disable(): drops the open reference.
    private const string Disable = """
            public void Disable(bool dirty)
            {
                if (dirty)
                {
                    Pdev.Power.PutNoIdle();
                    return;
                }

                Pdev.Power.Put();
            }

        """;

    // A real bug: the reference leaks on one error path only. Declaring a contract would hide it.
    private const string LeaksOnOnePath = """
            public int Probe(bool busy)
            {
                if (Pdev.Power.ResumeAndGet() < 0)
                    return -Errno.EIO;
                if (busy)
                    return -Errno.EBUSY;
                Pdev.Power.Put();
                return 0;
            }

        """;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Rules = [new PmReferenceBalanceAnalyzer(), new ContractAnalyzer()];

    // One fix offered, with this title; the fixed source compiles and the rules find nothing left to say about it.
    // The attribute's line ends with the workspace's newline option (Roslyn's default "\r\n"; a host sets it from .editorconfig).
    private static Task VerifyFix(string source, string fixedSource, string title, params DiagnosticResult[] expected)
    {
        var test = new VfioPmRulesCodeFixTest<DeclareContractCodeFix>(Rules)
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title),
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task DeclaresTheConditionalAcquireAnEnableKeeps() => VerifyFix(
        Header + Enable + "}\n",
        Header + Enable.Replace("    public int Enable(", "    [global::VfioPm.Annotations.AcquiresPmReference(\"Pdev\", OnSuccess = true)]\r\n    public int Enable(", System.StringComparison.Ordinal) + "}\n",
        "Declare [AcquiresPmReference(\"Pdev\", OnSuccess = true)]",
        Verify.Diagnostic("VPM0001").WithSpan(23, 9, 23, 18).WithSpan(8, 19, 8, 44)); // the success exit; taken at the ResumeAndGet

    [Fact]
    public Task DeclaresTheReleaseADisableMakes() => VerifyFix(
        Header + Disable + "}\n",
        Header + Disable.Replace("    public void Disable(", "    [global::VfioPm.Annotations.ReleasesPmReference(\"Pdev\")]\r\n    public void Disable(", System.StringComparison.Ordinal) + "}\n",
        "Declare [ReleasesPmReference(\"Pdev\")]",
        Verify.Diagnostic("VPM0002").WithSpan(10, 13, 10, 35),
        Verify.Diagnostic("VPM0002").WithSpan(14, 9, 14, 25));

    [Fact]
    public Task IsNotOfferedForALeakOnOneErrorPath() => VerifyFix(
        Header + LeaksOnOnePath + "}\n",
        Header + LeaksOnOnePath + "}\n",
        "no fix",
        Verify.Diagnostic("VPM0001").WithSpan(11, 13, 11, 33).WithSpan(8, 13, 8, 38)); // the busy exit

    // Fix All of the acquire fix declares only acquires (the release is another equivalence key, with its own Fix All),
    // once per method however many exits reported it; Probe's leak on the busy path is still reported afterwards,
    // never "fixed" by a contract.
    [Fact]
    public Task FixAllDeclaresOneContractPerMethodAndLeavesTheBugAlone()
    {
        const string acquire = "    [global::VfioPm.Annotations.AcquiresPmReference(\"Pdev\", OnSuccess = true)]\r\n";
        var enableFixed = Enable.Replace("    public int Enable(", acquire + "    public int Enable(", System.StringComparison.Ordinal);
        var test = new VfioPmRulesCodeFixTest<DeclareContractCodeFix>(Rules)
        {
            TestCode = Header + Enable + LeaksOnOnePath + Disable + "}\n",
            FixedCode = Header + enableFixed + LeaksOnOnePath + Disable + "}\n",
            CodeActionEquivalenceKey = nameof(DeclareContractCodeFix) + "AcquiresPmReference",
            NumberOfIncrementalIterations = 1,
            NumberOfFixAllIterations = 1,
        };
        test.ExpectedDiagnostics.AddRange(
        [
            Verify.Diagnostic("VPM0001").WithSpan(23, 9, 23, 18).WithSpan(8, 19, 8, 44), // Enable's success exit
            Verify.Diagnostic("VPM0001").WithSpan(33, 13, 33, 33).WithSpan(30, 13, 30, 38), // Probe's busy exit
            Verify.Diagnostic("VPM0002").WithSpan(41, 13, 41, 35), // Disable's two puts
            Verify.Diagnostic("VPM0002").WithSpan(45, 9, 45, 25),
        ]);
        test.FixedState.ExpectedDiagnostics.AddRange(
        [
            Verify.Diagnostic("VPM0001").WithSpan(34, 13, 34, 33).WithSpan(31, 13, 31, 38),
            Verify.Diagnostic("VPM0002").WithSpan(42, 13, 42, 35),
            Verify.Diagnostic("VPM0002").WithSpan(46, 9, 46, 25),
        ]);
        return test.RunAsync();
    }
}
