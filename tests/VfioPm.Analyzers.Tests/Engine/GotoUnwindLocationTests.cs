using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Where a leak on the kernel's goto-unwind chain is reported: at the goto that entered the chain holding the
/// reference when other paths reach the same return having put it (gp2ap002_probe() before "Fix rumtime PM imbalance on
/// error": the IRQ failure's goto out_disable_pm skipped the put that a registration failure had already done), and
/// at the return when every path through it leaks (the chain itself lacks the put). <c>{|VPMxxxx:…|}</c> marks an
/// expected diagnostic; every other diagnostic fails the test.
/// </summary>
public sealed class GotoUnwindLocationTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;

        abstract class Probe
        {
            protected Probe(Device dev) { Dev = dev; }
            public Device Dev { get; }
            protected abstract int RegulatorEnable();
            protected abstract void RegulatorDisable();
            protected abstract int RequestIrq();
            protected abstract int Register();

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(Prelude + body + "\n}\n", expected);

    [Fact]
    public Task AGotoThatSkipsThePutIsReportedAtTheGoto() => Check("""
            public int Run()
            {
                int ret = RegulatorEnable();
                if (ret != 0)
                    return ret;

                Dev.Power.GetNoResume();
                Dev.Power.SetActive();
                Dev.Power.Enable();

                ret = RequestIrq();
                if (ret != 0)
                    {|VPM0001:goto out_disable_pm;|}

                Dev.Power.Put();

                ret = Register();
                if (ret != 0)
                    goto out_disable_pm;

                return 0;

            out_disable_pm:
                Dev.Power.Disable();
                RegulatorDisable();
                return ret;
            }
        """);

    [Fact]
    public Task TheFixedChainWithItsOwnLabelForThePutIsClean() => Check("""
            public int Run()
            {
                int ret = RegulatorEnable();
                if (ret != 0)
                    return ret;

                Dev.Power.GetNoResume();
                Dev.Power.SetActive();
                Dev.Power.Enable();

                ret = RequestIrq();
                if (ret != 0)
                    goto out_put_pm;

                Dev.Power.Put();

                ret = Register();
                if (ret != 0)
                    goto out_disable_pm;

                return 0;

            out_put_pm:
                Dev.Power.PutNoIdle();
            out_disable_pm:
                Dev.Power.Disable();
                RegulatorDisable();
                return ret;
            }
        """);

    [Fact]
    public Task AChainThatLeaksOnEveryPathIsReportedAtItsReturn() => Check("""
            public int Run()
            {
                int ret;

                Dev.Power.GetSync();

                ret = RequestIrq();
                if (ret != 0)
                    goto out_label;

                ret = Register();
                if (ret != 0)
                    goto out_label;

                ret = 0;
            out_label:
                Dev.Power.MarkLastBusy();
                {|VPM0001:return ret;|}
            }
        """);

    [Fact]
    public Task AReferenceAnOwnerWriteHandsBackStaysAtTheExit() => Check("""
        }

        abstract class Pf
        {
            protected Pf(Device dev) { Dev = dev; }
            public Device Dev { get; }
            protected abstract int Register();
            protected abstract void RegulatorDisable();

            // While set, the PF keeps one reference on Dev (sriov_active).
            [OwnsPmReference(nameof(Dev))] public bool Active;

            public int Run(int n)
            {
                int ret = 0;

                if (n != 0)
                {
                    ret = Dev.Power.ResumeAndGet();
                    if (ret != 0)
                        goto out_del;

                    Active = true;

                    ret = Register();
                    if (ret != 0)
                    {
                        Active = false;
                        goto out_del;
                    }

                    return n;
                }

                if (Active)
                {
                    Active = false;
                    Dev.Power.Put();
                }

            out_del:
                RegulatorDisable();
                {|VPM0001:return ret;|}
            }
        """);
}
