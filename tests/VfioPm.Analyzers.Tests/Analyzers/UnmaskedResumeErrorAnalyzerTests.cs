using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Analyzers;

/// <summary>VPM0008: a handler returns a raw runtime-PM error to user space (its code fix: CodeFixes/MaskAsEioCodeFixTests).</summary>
public sealed class UnmaskedResumeErrorAnalyzerTests
{
    [Fact]
    public Task RawErrorsFromHandlersAreReported() => Verify.AnalyzerAsync<UnmaskedResumeErrorAnalyzer>(
        """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;

        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            [VfioIoctl(0x3B6B)]
            int Raw(Span<byte> arg)
            {
                var r = {|#1:Dev.Power.ResumeAndGet()|};
                if (r < 0)
                    return {|#0:r|};
                Dev.Power.Put();
                return 0;
            }

            [VfioIoctl(0x3B6C)]
            int Masked(Span<byte> arg)
            {
                var r = Dev.Power.ResumeAndGet();
                if (r < 0)
                    return -Errno.EIO;
                Dev.Power.Put();
                return 0;
            }

            [VfioIoctl(0x3B6D)]
            int Direct(Span<byte> arg) => {|#2:Dev.Power.Resume()|};

            int NotAHandlerButInOpsClass()
            {
                return {|#3:Dev.Power.Resume()|};
            }
        }

        class Elsewhere
        {
            int F(Device d)
            {
                return d.Power.Resume();
            }
        }
        """,
        Verify.Diagnostic("VPM0008").WithLocation(0).WithLocation(1).WithArguments("Raw", "ResumeAndGet()"),
        Verify.Diagnostic("VPM0008").WithLocation(2).WithLocation(2).WithArguments("Direct", "Resume()"),
        Verify.Diagnostic("VPM0008").WithLocation(3).WithLocation(3).WithArguments("NotAHandlerButInOpsClass", "Resume()"));
}
