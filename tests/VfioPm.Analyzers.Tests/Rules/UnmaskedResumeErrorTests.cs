using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>VPM0008 (its code fix: CodeFixes/MaskAsEioCodeFixTests).</summary>
public sealed class UnmaskedResumeErrorTests
{
    private const string Prelude = """
        using System; using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;
        [VfioDeviceOps] partial class Ops {
          [PmDevice] public Device Dev = null!;

        """;

    [Fact]
    public Task RawErrorsFromHandlersAreReported() => AnalyzerVerifier.VerifyAsync<UnmaskedResumeErrorAnalyzer>(Prelude + """
          [VfioIoctl(0x3B6B)] int Raw(Span<byte> arg) { var r = Dev.Power.ResumeAndGet(); if (r < 0) return {|VPM0008:r|}; Dev.Power.Put(); return 0; }
          [VfioIoctl(0x3B6C)] int Masked(Span<byte> arg) { var r = Dev.Power.ResumeAndGet(); if (r < 0) return -Errno.EIO; Dev.Power.Put(); return 0; }
          [VfioIoctl(0x3B6D)] int Direct(Span<byte> arg) => {|VPM0008:Dev.Power.Resume()|};
          int NotAHandlerButInOpsClass() { return {|VPM0008:Dev.Power.Resume()|}; }
        }
        class Elsewhere { int F(Device d) { return d.Power.Resume(); } }
        """);
}
