using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// [ReleasesPmReference(OnFailure = true)]: a helper that consumes the caller's reference when it fails and leaves it
/// held when it succeeds (the error path of <c>__pm_runtime_resume()</c> under <c>pm_runtime_resume_and_get()</c>).
/// Call sites drop the reference on failure results only; bodies must put on every failing exit and on no succeeding
/// one. The flow rules run at once (<see cref="VfioPmRulesAnalyzerTest"/>); each reported line carries a <c>// VPMxxxx</c>
/// comment, and the test expects exactly those diagnostics at their spans.
/// </summary>
public sealed class ReleaseOnFailureContractTests
{
    private const string Device = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed partial class Vdev
        {
            public Vdev(PciDevice pdev) { Pdev = pdev; }
            [PmDevice] public PciDevice Pdev { get; }
            int Enable() => 0;
            void Disable() { }
        }

        """;

    // The kernel's shape: the count is raised first, the resume may fail, and a failed resume drops it again.
    private const string ResumeOrDrop = """
        [ReleasesPmReference(nameof(Pdev), OnFailure = true)]
        int ResumeOrDrop()
        {
            var ret = Pdev.Power.Resume();
            if (ret < 0)
            {
                Pdev.Power.PutNoIdle();
                return ret;
            }

            return 0;
        }

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(Device + "sealed partial class Vdev\n{\n" + body + "\n}\n", expected);

    [Fact]
    public Task HelperAndGotoUnwindCallerAreClean() => Check(ResumeOrDrop + """
        // vfio_pci_core_enable()-shaped caller: on the helper's failure the reference is already gone; a later
        // failure unwinds it by hand; success hands it back with a put on disable.
        int Open()
        {
            Pdev.Power.GetNoResume();
            var ret = ResumeOrDrop();
            if (ret != 0)
                return ret;

            ret = Enable();
            if (ret != 0)
                goto out_put;

            Disable();
            Pdev.Power.Put();
            return 0;

        out_put:
            Pdev.Power.Put();
            return ret;
        }
        """);

    [Fact]
    public Task CallerThatPutsAgainOnFailureOrLeaksOnSuccessIsReported() => Check(ResumeOrDrop + """
        int DoublePut()
        {
            Pdev.Power.GetNoResume();
            if (ResumeOrDrop() < 0)
            {
                Pdev.Power.Put(); // VPM0002
                return -Errno.EIO;
            }

            Pdev.Power.Put();
            return 0;
        }

        int LeaksOnSuccess()
        {
            Pdev.Power.GetNoResume();
            var ret = ResumeOrDrop();
            if (ret < 0)
                return ret;
            return 0; // VPM0001
        }
        """,
        Verify.Diagnostic("VPM0002").WithSpan(28, 9, 28, 25),
        Verify.Diagnostic("VPM0001").WithSpan(42, 5, 42, 14).WithSpan(38, 5, 38, 29));

    [Fact]
    public Task BodyThatPutsOnSuccessOrKeepsOnFailureIsReported() => Check("""
        [ReleasesPmReference(nameof(Pdev), OnFailure = true)]
        int PutsOnSuccess()
        {
            var ret = Pdev.Power.Resume();
            if (ret < 0)
                return ret; // VPM0011

            Pdev.Power.PutNoIdle();
            return 0; // VPM0011
        }

        [ReleasesPmReference(nameof(Pdev), OnFailure = true)]
        int DropsOnEveryPath()
        {
            var ret = Pdev.Power.Resume();
            Pdev.Power.PutNoIdle();
            if (ret < 0)
                return ret;
            return 0; // VPM0011
        }
        """,
        Verify.Diagnostic("VPM0011").WithSpan(16, 9, 16, 20),
        Verify.Diagnostic("VPM0011").WithSpan(19, 5, 19, 14),
        Verify.Diagnostic("VPM0011").WithSpan(29, 5, 29, 14));
}
