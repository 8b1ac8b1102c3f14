using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Capability 2 of the flow engine: VPM0008 follows the value returned, not the variable — a handler that returns a
/// raw runtime-PM result on one path is reported at that return only; <c>ret</c> reassigned from a non-PM call on every
/// path before the return, or known to be the success value there, is fine.
/// </summary>
public sealed class ReachingDefinitionTests
{
    private const string Prelude = """
        using System; using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;
        [VfioDeviceOps] partial class Ops {
          [PmDevice] public Device Dev = null!;
          static int DoIo(Span<byte> arg) => 0;
          static int CopyToUser(Span<byte> arg) => 0;

        """;

    private static Task Verify(string body) =>
        Verification.Verify.AnalyzerAsync<UnmaskedResumeErrorAnalyzer>(Prelude + body + "\n}");

    // The shape: the goto on failure carries ResumeAndGet's errno to "out".
    [Fact]
    public Task RawResultReachingTheReturnOnOnePathIsReportedThere() => Verify("""
        [VfioIoctl(0x3B70)]
        int Ioctl(Span<byte> arg)
        {
            int ret = Dev.Power.ResumeAndGet();
            if (ret < 0)
                goto out_label;

            ret = DoIo(arg);
            Dev.Power.Put();

        out_label:
            return {|VPM0008:ret|};
        }
        """);

    [Fact]
    public Task RetReassignedFromAnotherCallOnEveryPathIsClean() => Verify("""
        [VfioIoctl(0x3B71)]
        int Ioctl(Span<byte> arg)
        {
            int ret = Dev.Power.ResumeAndGet();
            if (ret < 0)
            {
                ret = -Errno.EIO;
                goto out_label;
            }

            ret = DoIo(arg);
            Dev.Power.Put();

        out_label:
            return ret;
        }
        """);

    // vfio_pci_core_feature_token()-style: after "if (ret) return -EIO" the result is known to be 0.
    [Fact]
    public Task ResultKnownToBeSuccessAtTheReturnIsClean() => Verify("""
        [VfioIoctl(0x3B72)]
        int Ioctl(Span<byte> arg)
        {
            var ret = Dev.Power.ResumeAndGet();
            if (ret != 0)
                return -Errno.EIO;

            DoIo(arg);
            Dev.Power.Put();
            return ret;
        }
        """);

    [Fact]
    public Task PutSyncResultReturnedThroughATernaryIsReported() => Verify("""
        [VfioIoctl(0x3B73)]
        int Ioctl(Span<byte> arg)
        {
            if (Dev.Power.ResumeAndGet() < 0)
                return -Errno.EIO;
            var err = CopyToUser(arg);
            var ret = Dev.Power.PutSync();
            return err != 0 ? err : {|VPM0008:ret|};
        }
        """);

    [Fact]
    public Task TwoReturnsOnlyTheRawOneIsReported() => Verify("""
        [VfioIoctl(0x3B74)]
        int Ioctl(Span<byte> arg, bool probe)
        {
            var ret = Dev.Power.ResumeAndGet();
            if (probe)
                return {|VPM0008:ret|};
            if (ret < 0)
                return -Errno.EIO;
            ret = DoIo(arg);
            Dev.Power.Put();
            return ret;
        }
        """);

    [Fact]
    public Task ALambdaInsideAHandlerReturnsToItsOwnCaller() => Verify("""
        [VfioIoctl(0x3B75)]
        int Ioctl(Span<byte> arg)
        {
            Func<int> wake = () => Dev.Power.Resume();
            return wake() < 0 ? -Errno.EIO : 0;
        }
        """);
}
