using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.CodeFixes;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.CodeFixes;

/// <summary>
/// VPM0008's fix keeps the runtime-PM call and every success result: only a negative result becomes -EIO. A local is
/// tested in place; any other expression is evaluated once in a switch expression.
/// </summary>
public sealed class MaskAsEioCodeFixTests
{
    private const string Usings = """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;

        """;

    // The returned value {|#n:...|} and the runtime-PM call {|#m:...|} it comes from.
    private static DiagnosticResult Vpm0008(int returned, int call) =>
        new DiagnosticResult("VPM0008", DiagnosticSeverity.Warning).WithLocation(returned).WithLocation(call);

    private static Task Verify(string before, string after, int? fixAllIterations, params DiagnosticResult[] expected) =>
        Verify(Usings, before, after, fixAllIterations, expected);

    private static Task Verify(string usings, string before, string after, int? fixAllIterations, params DiagnosticResult[] expected)
    {
        var test = new VfioPmCodeFixTest<UnmaskedResumeErrorAnalyzer, MaskAsEioCodeFix>
        {
            TestCode = usings + before,
            FixedCode = usings + after,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        if (fixAllIterations is { } n)
        {
            test.NumberOfFixAllIterations = n;
            test.NumberOfFixAllInDocumentIterations = n;
            test.NumberOfFixAllInProjectIterations = n;
        }

        return test.RunAsync();
    }

    [Fact]
    public Task ExpressionBodyKeepsTheCall() => Verify(
        """
        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            [VfioIoctl(0x3B6D)]
            int Wake(Span<byte> arg) => {|#0:{|#1:Dev.Power.Resume()|}|};
        }
        """,
        """
        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            [VfioIoctl(0x3B6D)]
            int Wake(Span<byte> arg) => Dev.Power.Resume() switch { < 0 => -Errno.EIO, var ret => ret };
        }
        """,
        fixAllIterations: null,
        Vpm0008(0, 1));

    [Fact]
    public Task LocalReturnedOnEveryPathKeepsItsSuccessValue() => Verify(
        """
        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            [VfioIoctl(0x3B6E)]
            int Idle(Span<byte> arg)
            {
                var ret = {|#1:Dev.Power.Resume()|};
                Console.WriteLine(ret);
                return {|#0:ret|};
            }
        }
        """,
        """
        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            [VfioIoctl(0x3B6E)]
            int Idle(Span<byte> arg)
            {
                var ret = Dev.Power.Resume();
                Console.WriteLine(ret);
                return ret < 0 ? -Errno.EIO : ret;
            }
        }
        """,
        fixAllIterations: null,
        Vpm0008(0, 1));

    [Fact]
    public Task ReusedLocalOnTheFailureBranch() => Verify(
        """
        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            [VfioIoctl(0x3B6B)]
            int Reset(Span<byte> arg)
            {
                int r = {|#1:Dev.Power.ResumeAndGet()|};
                if (r < 0)
                    return {|#0:r|};

                Dev.Power.Put();
                return 0;
            }
        }
        """,
        """
        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            [VfioIoctl(0x3B6B)]
            int Reset(Span<byte> arg)
            {
                int r = Dev.Power.ResumeAndGet();
                if (r < 0)
                    return r < 0 ? -Errno.EIO : r;

                Dev.Power.Put();
                return 0;
            }
        }
        """,
        fixAllIterations: null,
        Vpm0008(0, 1));

    [Fact]
    public Task SwitchSectionsAreFixedTogether() => Verify(
        """
        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            int Dispatch(uint cmd)
            {
                int ret = 0;
                switch (cmd)
                {
                    case 1:
                        return {|#0:{|#1:Dev.Power.Resume()|}|};
                    case 2:
                        return {|#2:{|#3:Dev.Power.Idle()|}|};
                    case 3:
                    {
                        var queued = {|#5:Dev.Power.Suspend()|};
                        return {|#4:queued|};
                    }
                    default:
                        return ret - Errno.ENOTTY;
                }
            }
        }
        """,
        """
        [VfioDeviceOps]
        partial class Ops
        {
            [PmDevice] public Device Dev = null!;

            int Dispatch(uint cmd)
            {
                int ret = 0;
                switch (cmd)
                {
                    case 1:
                        return Dev.Power.Resume() switch { < 0 => -Errno.EIO, var result => result };
                    case 2:
                        return Dev.Power.Idle() switch { < 0 => -Errno.EIO, var result => result };
                    case 3:
                    {
                        var queued = Dev.Power.Suspend();
                        return queued < 0 ? -Errno.EIO : queued;
                    }
                    default:
                        return ret - Errno.ENOTTY;
                }
            }
        }
        """,
        fixAllIterations: 1,
        Vpm0008(0, 1),
        Vpm0008(2, 3),
        Vpm0008(4, 5));

    [Fact]
    public Task WithoutTheUsingTheErrnoIsQualified() => Verify(
        "using System;\n",
        """
        [VfioPm.Annotations.VfioDeviceOps]
        partial class Ops
        {
            [VfioPm.Annotations.PmDevice] public VfioPm.Runtime.Power.Device Dev = null!;

            int Wake() => {|#0:{|#1:Dev.Power.Resume()|}|};
        }
        """,
        """
        [VfioPm.Annotations.VfioDeviceOps]
        partial class Ops
        {
            [VfioPm.Annotations.PmDevice] public VfioPm.Runtime.Power.Device Dev = null!;

            int Wake() => Dev.Power.Resume() switch { < 0 => -VfioPm.Runtime.Errno.EIO, var ret => ret };
        }
        """,
        fixAllIterations: null,
        Vpm0008(0, 1));
}
