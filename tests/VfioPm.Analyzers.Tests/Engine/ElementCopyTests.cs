using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// A local copied from one element of a collection inside a loop body (<c>drvdata = per_cpu(debug_drvdata, cpu)</c>,
/// <c>var d = devices[i];</c>) names that element: a get or put through it is a get or put on the element the loop
/// index names, so the per-element holds of issue 11 §4 apply to the kernel's usual form of a loop over devices, not
/// only to calls written on <c>devices[i]</c> itself. <c>{|VPMxxxx:…|}</c> marks an expected diagnostic; every other
/// diagnostic fails the test.
/// </summary>
public sealed class ElementCopyTests
{
    private const string Prelude = """
        #nullable enable
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;

        sealed class DebugDrvdata
        {
            public DebugDrvdata(Device dev) { Dev = dev; }
            public Device Dev { get; }
        }

        sealed class CpuDebug
        {
            public CpuDebug(DebugDrvdata?[] perCpu) { PerCpu = perCpu; }

            // per_cpu(debug_drvdata, cpu): null for a CPU without a debug device.
            public DebugDrvdata?[] PerCpu { get; }

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(Prelude + body + "\n}\n", expected);

    [Fact]
    public Task GetOnEveryCpuThroughACopyWithReverseUnwindIsBalanced() => Check("""
            [AcquiresPmReference("PerCpu[].Dev", OnSuccess = true)]
            public int EnableFunc()
            {
                int cpu, ret = 0;

                for (cpu = 0; cpu < PerCpu.Length; cpu++)
                {
                    var drvdata = PerCpu[cpu];
                    if (drvdata == null)
                        continue;

                    ret = drvdata.Dev.Power.ResumeAndGet();
                    if (ret < 0)
                        goto err;
                }

                return 0;

            err:
                for (cpu--; cpu >= 0; cpu--)
                {
                    var drvdata = PerCpu[cpu];
                    if (drvdata == null)
                        continue;
                    drvdata.Dev.Power.PutNoIdle();
                }

                return ret;
            }

            [ReleasesPmReference("PerCpu[].Dev")]
            public void DisableFunc()
            {
                for (var cpu = 0; cpu < PerCpu.Length; cpu++)
                {
                    var drvdata = PerCpu[cpu];
                    if (drvdata == null)
                        continue;
                    drvdata.Dev.Power.Put();
                }
            }
        """);

    [Fact]
    public Task AnUnwindThroughACopyThatStartsAtTheFailingCpuPutsOneTooMany() => Check("""
            [AcquiresPmReference("PerCpu[].Dev", OnSuccess = true)]
            public int EnableFunc()
            {
                int cpu, ret = 0;

                for (cpu = 0; cpu < PerCpu.Length; cpu++)
                {
                    var drvdata = PerCpu[cpu]!;
                    ret = drvdata.Dev.Power.ResumeAndGet();
                    if (ret < 0)
                        goto err;
                }

                return 0;

            err:
                for (; cpu >= 0; cpu--)
                {
                    var drvdata = PerCpu[cpu]!;
                    {|VPM0002:drvdata.Dev.Power.PutNoIdle()|};
                }

                return ret;
            }
        """);

    [Fact]
    public Task AFailureExitThroughACopyThatPutsNothingKeepsTheReferencesTaken() => Check("""
            [AcquiresPmReference("PerCpu[].Dev", OnSuccess = true)]
            public int EnableFunc()
            {
                int cpu, ret;

                for (cpu = 0; cpu < PerCpu.Length; cpu++)
                {
                    var drvdata = PerCpu[cpu]!;
                    ret = drvdata.Dev.Power.ResumeAndGet();
                    if (ret < 0)
                        {|VPM0001:return ret;|}
                }

                return 0;
            }
        """);

    [Fact]
    public Task AGetSyncFailureInALoopThatSkipsAbsentCpusLeaksTheFailingCpu() => Check("""
            [AcquiresPmReference("PerCpu[].Dev", OnSuccess = true)]
            public int EnableFunc()
            {
                int cpu, ret = 0;

                for (cpu = 0; cpu < PerCpu.Length; cpu++)
                {
                    var drvdata = PerCpu[cpu];
                    if (drvdata == null)
                        continue;

                    ret = drvdata.Dev.Power.GetSync();
                    if (ret < 0)
                        goto err;
                }

                return 0;

            err:
                for (cpu--; cpu >= 0; cpu--)
                {
                    var drvdata = PerCpu[cpu];
                    if (drvdata == null)
                        continue;
                    drvdata.Dev.Power.PutNoIdle();
                }

                {|VPM0001:return ret;|}
            }
        """);

    [Fact]
    public Task APutLoopThatSkipsThePresentCpusKeepsTheirReferences() => Check("""
            [ReleasesPmReference("PerCpu[].Dev")]
            public void DisableFunc()
            {
                for (var cpu = 0; cpu < PerCpu.Length; cpu++)
                {
                    var drvdata = PerCpu[cpu];
                    if (drvdata != null)
                        continue;
                    {|VPM0002:drvdata!.Dev.Power.Put()|};
                }
            {|VPM0001:{|VPM0011:}|}|}
        """);
}
