using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Device access (VPM0006) on the element of a loop over devices that holds it: a get, the register access and the put
/// on each device in turn, written on the element ("devs[i].Dev") or on a copy of it ("var d = devs[i];"), the shape of
/// every "for each port/lane/CPU: resume, poke, put" loop. <c>{|VPMxxxx:…|}</c> marks an expected diagnostic; every
/// other diagnostic fails the test.
/// </summary>
public sealed class ElementAccessTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;

        static class Regs
        {
            // A register write of a platform device's MMIO: needs the device powered.
            [DeviceAccess(LockFree = true)] public static void Write(Device dev, int reg, int value) { }
        }

        sealed class Lane
        {
            public Lane(Device dev) { Dev = dev; }
            public Device Dev { get; }
        }

        sealed class Phy
        {
            public Phy(Lane[] lanes) { Lanes = lanes; }
            public Lane[] Lanes { get; }

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(Prelude + body + "\n}\n", expected);

    [Fact]
    public Task ResumeWriteAndPutEachLaneThroughACopyIsClean() => Check("""
            public int PowerOnLanes(int mode)
            {
                int ret = 0;

                for (var i = 0; i < Lanes.Length; i++)
                {
                    var lane = Lanes[i];
                    ret = lane.Dev.Power.ResumeAndGet();
                    if (ret < 0)
                        continue;

                    Regs.Write(lane.Dev, 0x10, mode);
                    lane.Dev.Power.MarkLastBusy();
                    lane.Dev.Power.PutAutosuspend();
                }

                return ret;
            }
        """);

    [Fact]
    public Task ResumeWriteAndPutEachLaneOnTheElementIsClean() => Check("""
            public int PowerOnLanes(int mode)
            {
                int ret = 0;

                for (var i = 0; i < Lanes.Length; i++)
                {
                    ret = Lanes[i].Dev.Power.ResumeAndGet();
                    if (ret < 0)
                        continue;

                    Regs.Write(Lanes[i].Dev, 0x10, mode);
                    Lanes[i].Dev.Power.Put();
                }

                return ret;
            }
        """);

    [Fact]
    public Task AWriteBeforeTheLaneIsResumedIsReported() => Check("""
            public int PowerOnLanes(int mode)
            {
                int ret = 0;

                for (var i = 0; i < Lanes.Length; i++)
                {
                    var lane = Lanes[i];
                    {|VPM0006:Regs.Write(lane.Dev, 0x10, mode)|};
                    ret = lane.Dev.Power.ResumeAndGet();
                    if (ret < 0)
                        continue;

                    lane.Dev.Power.Put();
                }

                return ret;
            }
        """);
}
