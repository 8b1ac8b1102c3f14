using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// [ReleasesPmReference(OnFailure = true)]: a helper that consumes the caller's reference when it fails and leaves it
/// held when it succeeds (the error path of <c>__pm_runtime_resume()</c> under <c>pm_runtime_resume_and_get()</c>).
/// Call sites drop the reference on failure results only; bodies must put on every failing exit and on no succeeding
/// one. Every rule runs at once; each line that must be reported carries a <c>// VPMxxxx</c> comment, and no other line may.
/// </summary>
public sealed class ReleaseOnFailureContractTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Flow =
    [
        new PmReferenceBalanceAnalyzer(), new ContractAnalyzer(), new DeviceAccessAnalyzer(), new SyncTransitionUnderLockAnalyzer(),
        new MemoryLockBalanceAnalyzer(), new GuardedByAnalyzer(),
    ];

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

    private static async Task Check(string body)
    {
        var source = Device + "sealed partial class Vdev\n{\n" + body + "\n}\n";
        var run = await AnalyzerRun.RunAsync(TestCompilation.Create(source), Flow, VerifierSettings.Default.AnalyzerOptions());
        run.AssertNoAnalyzerFailures();
        var lines = source.Split('\n');
        var expected = lines
            .Select((text, i) => (Line: i + 1, Ids: Regex.Matches(text, @"// (VPM\d{4}(?:, VPM\d{4})*)").SelectMany(m => m.Groups[1].Value.Split(", "))))
            .SelectMany(x => x.Ids.Select(id => $"{id}@{x.Line}"))
            .OrderBy(x => x, System.StringComparer.Ordinal)
            .ToArray();
        var actual = run.Diagnostics
            .Where(d => d.Id.StartsWith("VPM", System.StringComparison.Ordinal))
            .Select(d => $"{d.Id}@{d.Location.GetLineSpan().StartLinePosition.Line + 1}")
            .Distinct()
            .OrderBy(x => x, System.StringComparer.Ordinal)
            .ToArray();
        Assert.True(expected.SequenceEqual(actual), $"expected [{string.Join(", ", expected)}]\nactual   [{string.Join(", ", actual)}]\n"
            + string.Join("\n", run.Diagnostics.Select(d => d.ToString())));
    }

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
        """);

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
        """);
}
