using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Capability 3 of the flow engine: the exits of a method with a conditional contract
/// ([AcquiresPmReference(OnSuccess = true)]) are failure exits when the value returned is known to be a failure on
/// that path — a constant, a PM result, or <c>ret</c> from any other call that was tested — so the kernel's goto-unwind
/// idiom is checked exactly: success holds the reference, every failure exit has put it.
/// </summary>
public sealed class ConditionalContractExitTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power; using VfioPm.Runtime.Vfio;
        class VfioPciCoreDevice {
          public Device Pdev = null!;
          object? _savedState;
          static int PciEnableDevice() => 0;
          static void PciDisableDevice() { }
          static int PciResetFunction() => 0;
          static object? PciStoreSavedState() => new object();
          static int ZdevOpenDevice() => 0;
          static void ZdevCloseDevice() { }
          static int ConfigInit() => 0;

        """;

    private static Task Verify(string body) =>
        Verification.Verify.AnalyzerAsync<ContractAnalyzer>(Prelude + body + "\n}");

    private static Task VerifyBalance(string body) =>
        Verification.Verify.AnalyzerAsync<PmReferenceBalanceAnalyzer>(Prelude + body + "\n}");

    // vfio_pci_core_enable() (vfio_pci_core.c): resume_and_get, then enable → out_free_state → out_disable_device →
    // out_power unwind; 0 holds the reference for the device's open lifetime.
    private const string Enable = """
        [AcquiresPmReference("Pdev.Power", OnSuccess = true)]
        int Enable()
        {
            int ret = Pdev.Power.ResumeAndGet();
            if (ret != 0)
                return ret;

            ret = PciEnableDevice();
            if (ret != 0)
                goto out_power;

            ret = PciResetFunction();
            _savedState = PciStoreSavedState();
            if (_savedState == null)
            {
                ret = -Errno.ENOMEM;
                goto out_disable_device;
            }

            ret = ZdevOpenDevice();
            if (ret != 0)
                goto out_free_state;

            ret = ConfigInit();
            if (ret != 0)
                goto out_free_zdev;

            return 0;

        out_free_zdev:
            ZdevCloseDevice();
        out_free_state:
            _savedState = null;
        out_disable_device:
            PciDisableDevice();
        out_power:
            Pdev.Power.Put();
            return ret;
        }
        """;

    [Fact]
    public Task GotoUnwindThatPutsOnEveryFailureIsClean() => Verify(Enable);

    [Fact]
    public Task GotoUnwindIsBalancedForTheBalanceRuleToo() => VerifyBalance(Enable);

    [Fact]
    public Task UnwindThatForgetsThePutIsReportedAtTheFailureExit() => Verify(Enable.Replace("""
            Pdev.Power.Put();
            return ret;
        """, """
            {|VPM0011:return ret;|}
        """));

    [Fact]
    public Task FailureReturnThatSkipsTheUnwindIsReported() => Verify(Enable.Replace("""
            ret = PciEnableDevice();
            if (ret != 0)
                goto out_power;
        """, """
            ret = PciEnableDevice();
            if (ret != 0)
                {|VPM0011:return ret;|}
        """));

    // The classic unwind bug: a failure branch that does not set ret returns the previous step's 0 — "success" without
    // the reference the caller will put.
    [Fact]
    public Task FailureBranchThatLeavesRetAtZeroReturnsSuccessWithoutTheReference() => Verify(Enable.Replace("""
            if (_savedState == null)
            {
                ret = -Errno.ENOMEM;
                goto out_disable_device;
            }
        """, """
            if (_savedState == null)
                goto out_disable_device;
        """).Replace("""
            ret = PciResetFunction();
        """, """
            ret = PciResetFunction();
            if (ret != 0)
                goto out_disable_device;
        """).Replace("""
            Pdev.Power.Put();
            return ret;
        """, """
            Pdev.Power.Put();
            {|VPM0011:return ret;|}
        """));

    [Fact]
    public Task SuccessThatPutsTheReferenceIsReported() => Verify(Enable.Replace("""
            return 0;

        out_free_zdev:
        """, """
            Pdev.Power.Put();
            {|VPM0011:return 0;|}

        out_free_zdev:
        """));

    // ret from a call that was not tested is not known: no verdict either way (never a guess).
    [Fact]
    public Task UntestedRetIsNotJudged() => Verify("""
        [AcquiresPmReference("Pdev.Power", OnSuccess = true)]
        int Enable()
        {
            if (Pdev.Power.ResumeAndGet() != 0)
                return -Errno.EIO;
            var ret = PciEnableDevice();
            Pdev.Power.Put();
            return ret;
        }
        """);

    // A get_sync under a conditional contract whose failure path returns holding it is get_sync's leak (VPM0003), as
    // in ad4630_buffer_preenable() before "iio: adc: ad4630: fix pm runtime unbalanced refcounts".
    [Fact]
    public Task GetSyncFailureUnderAConditionalContractIsVpm0003() => VerifyBalance("""
        [AcquiresPmReference("Pdev.Power", OnSuccess = true)]
        int Preenable()
        {
            int ret = {|VPM0003:Pdev.Power.GetSync()|};
            if (ret < 0)
                return ret;

            ret = PciEnableDevice();
            if (ret != 0)
                goto out_error;

            return 0;

        out_error:
            Pdev.Power.PutAutosuspend();
            return ret;
        }
        """);

    [Fact]
    public Task GetSyncFailureUnderAConditionalContractIsNotAlsoVpm0011() => Verify("""
        [AcquiresPmReference("Pdev.Power", OnSuccess = true)]
        int Preenable()
        {
            int ret = Pdev.Power.GetSync();
            if (ret < 0)
                return ret;
            return 0;
        }
        """);
}
