using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.CodeFixes;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.CodeFixes;

/// <summary>
/// VPM0003's fix: GetSync becomes ResumeAndGet and only the puts that failure paths alone run are deleted. Each case
/// states why the rewrite cannot change a success path, or why no fix is offered.
/// </summary>
public sealed class UseResumeAndGetCodeFixTests
{
    private const string Usings = """
        using System;
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;

        """;

    // The get_sync call {|#0:...|} and the failure exit {|#1:...|} the diagnostic names.
    private static DiagnosticResult Vpm0003(int call = 0, int exit = 1) =>
        new DiagnosticResult("VPM0003", DiagnosticSeverity.Warning).WithLocation(call).WithLocation(exit);

    private static Task Verify(string before, string after, params DiagnosticResult[] expected) => Verify(before, after, fixAllIterations: null, expected);

    private static Task Verify(string before, string after, int? fixAllIterations, params DiagnosticResult[] expected)
    {
        var test = new VfioPmCodeFixTest<PmReferenceBalanceAnalyzer, UseResumeAndGetCodeFix>
        {
            TestCode = Usings + before,
            FixedCode = Usings + after,
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
    public Task CheckAndReturnBecomesResumeAndGet() => Verify(
        """
        sealed class Driver(Device dev)
        {
            public int Open()
            {
                var ret = {|#0:dev.Power.GetSync()|};
                if (ret < 0)
                    {|#1:return ret;|}

                Configure();
                dev.Power.Put();
                return 0;
            }

            private static void Configure() { }
        }
        """,
        """
        sealed class Driver(Device dev)
        {
            public int Open()
            {
                var ret = dev.Power.ResumeAndGet();
                if (ret < 0)
                    return ret;

                Configure();
                dev.Power.Put();
                return 0;
            }

            private static void Configure() { }
        }
        """,
        Vpm0003());

    [Fact]
    public Task PutsOnlyTheFailureBranchRunsGoAndPutsOfSuccessPathsStay() => Verify(
        """
        sealed class Driver(Device dev)
        {
            public int Probe(bool verbose, bool busy)
            {
                int ret = {|#0:dev.Power.GetSync()|};
                if (ret < 0)
                {
                    if (verbose)
                    {
                        Console.WriteLine(ret);
                        dev.Power.PutNoIdle();
                        return ret;
                    }

                    {|#1:return -Errno.EIO;|}
                }

                if (busy)
                {
                    // a success path: this put balances the reference and must stay
                    dev.Power.PutNoIdle();
                    return -Errno.EBUSY;
                }

                dev.Power.Put();
                return 0;
            }
        }
        """,
        """
        sealed class Driver(Device dev)
        {
            public int Probe(bool verbose, bool busy)
            {
                int ret = dev.Power.ResumeAndGet();
                if (ret < 0)
                {
                    if (verbose)
                    {
                        Console.WriteLine(ret);
                        return ret;
                    }

                    return -Errno.EIO;
                }

                if (busy)
                {
                    // a success path: this put balances the reference and must stay
                    dev.Power.PutNoIdle();
                    return -Errno.EBUSY;
                }

                dev.Power.Put();
                return 0;
            }
        }
        """,
        Vpm0003());

    [Fact]
    public Task InlineSignTestInTheCondition() => Verify(
        """
        sealed class Driver(Device dev)
        {
            public int Reset()
            {
                if ({|#0:dev.Power.GetSync()|} < 0)
                {|#1:return -Errno.EIO;|}

                dev.Power.Put();
                return 0;
            }
        }
        """,
        """
        sealed class Driver(Device dev)
        {
            public int Reset()
            {
                if (dev.Power.ResumeAndGet() < 0)
                return -Errno.EIO;

                dev.Power.Put();
                return 0;
            }
        }
        """,
        Vpm0003());

    [Fact]
    public Task GotoUnwindChainWhoseSharedReturnReadsAnOverwrittenResult() => Verify(
        """
        sealed class Driver(Device dev)
        {
            public int Enable(int bars)
            {
                int ret;

                ret = {|#0:dev.Power.GetSync()|};
                if (ret < 0)
                    goto out_unlock;

                ret = MapBars(bars);
                if (ret != 0)
                    goto out_put;

                ret = bars;
            out_put:
                dev.Power.Put();
            out_unlock:
                {|#1:return ret;|}
            }

            private static int MapBars(int bars) => bars > 6 ? -Errno.EINVAL : 0;
        }
        """,
        """
        sealed class Driver(Device dev)
        {
            public int Enable(int bars)
            {
                int ret;

                ret = dev.Power.ResumeAndGet();
                if (ret < 0)
                    goto out_unlock;

                ret = MapBars(bars);
                if (ret != 0)
                    goto out_put;

                ret = bars;
            out_put:
                dev.Power.Put();
            out_unlock:
                return ret;
            }

            private static int MapBars(int bars) => bars > 6 ? -Errno.EINVAL : 0;
        }
        """,
        Vpm0003());

    [Fact]
    public Task NoFixWhenASuccessPathReturnsTheResult()
    {
        // GetSync returns 1 for an already active device, ResumeAndGet 0: the last return would change.
        const string Source = """
            sealed class Driver(Device dev)
            {
                public int Wake()
                {
                    var ret = {|#0:dev.Power.GetSync()|};
                    if (ret < 0)
                        {|#1:return ret;|}

                    dev.Power.Put();
                    return ret;
                }
            }
            """;
        return Verify(Source, Source, Vpm0003());
    }

    [Fact]
    public Task NoFixWhenThePutIsSharedByFailureAndSuccessPaths()
    {
        // The put under out_put runs after a failed get (with 'retry') and after a successful one: neither keeping nor
        // deleting it is right for both.
        const string Source = """
            sealed class Driver(Device dev)
            {
                public int Flr(bool retry)
                {
                    var ret = {|#0:dev.Power.GetSync()|};
                    if (ret < 0)
                    {
                        if (retry)
                            goto out_put;
                        {|#1:return ret;|}
                    }

                    ret = 0;
                out_put:
                    dev.Power.PutNoIdle();
                    return ret;
                }
            }
            """;
        return Verify(Source, Source, Vpm0003());
    }

    [Fact]
    public Task NoFixWhenTheResultIsComparedWithOne()
    {
        const string Source = """
            sealed class Driver(Device dev)
            {
                public int Resume(out bool wasActive)
                {
                    var ret = {|#0:dev.Power.GetSync()|};
                    wasActive = ret == 1;
                    if (ret < 0)
                        {|#1:return ret;|}

                    dev.Power.Put();
                    return 0;
                }
            }
            """;
        return Verify(Source, Source, Vpm0003());
    }

    [Fact]
    public Task FixAllRewritesEveryGetSyncOfTheDocumentInOnePass() => Verify(
        """
        sealed class Driver(Device gpu, Device audio)
        {
            public int OpenGpu()
            {
                var ret = {|#0:gpu.Power.GetSync()|};
                if (ret < 0)
                    {|#1:return ret;|}
                gpu.Power.Put();
                return 0;
            }

            public int OpenAudio(bool quiet)
            {
                var ret = {|#2:audio.Power.GetSync()|};
                if (ret < 0)
                {
                    if (quiet)
                        {|#3:return ret;|}
                    audio.Power.PutNoIdle();
                    return ret;
                }
                audio.Power.Put();
                return 0;
            }
        }
        """,
        """
        sealed class Driver(Device gpu, Device audio)
        {
            public int OpenGpu()
            {
                var ret = gpu.Power.ResumeAndGet();
                if (ret < 0)
                    return ret;
                gpu.Power.Put();
                return 0;
            }

            public int OpenAudio(bool quiet)
            {
                var ret = audio.Power.ResumeAndGet();
                if (ret < 0)
                {
                    if (quiet)
                        return ret;
                    return ret;
                }
                audio.Power.Put();
                return 0;
            }
        }
        """,
        fixAllIterations: 1,
        Vpm0003(0, 1),
        Vpm0003(2, 3));

    [Fact]
    public Task LocalFunctionAndLoopOverDevices() => Verify(
        """
        sealed class Driver(Device[] functions)
        {
            public int ResumeAll()
            {
                for (var i = 0; i < functions.Length; i++)
                {
                    if (Wake(functions[i]) < 0)
                        return -Errno.EIO;
                }

                return 0;

                static int Wake(Device d)
                {
                    var ret = {|#0:d.Power.GetSync()|};
                    if (ret < 0)
                        {|#1:return ret;|}
                    d.Power.PutAutosuspend();
                    return 0;
                }
            }
        }
        """,
        """
        sealed class Driver(Device[] functions)
        {
            public int ResumeAll()
            {
                for (var i = 0; i < functions.Length; i++)
                {
                    if (Wake(functions[i]) < 0)
                        return -Errno.EIO;
                }

                return 0;

                static int Wake(Device d)
                {
                    var ret = d.Power.ResumeAndGet();
                    if (ret < 0)
                        return ret;
                    d.Power.PutAutosuspend();
                    return 0;
                }
            }
        }
        """,
        Vpm0003());

    [Fact]
    public Task PutInAFinallyOnlySuccessReachesStays() => Verify(
        """
        sealed class Driver(Device dev)
        {
            public int Reset()
            {
                var ret = {|#0:dev.Power.GetSync()|};
                if (ret < 0)
                    {|#1:return ret;|}

                try
                {
                    Console.WriteLine("reset");
                }
                finally
                {
                    dev.Power.Put();
                }

                return 0;
            }
        }
        """,
        """
        sealed class Driver(Device dev)
        {
            public int Reset()
            {
                var ret = dev.Power.ResumeAndGet();
                if (ret < 0)
                    return ret;

                try
                {
                    Console.WriteLine("reset");
                }
                finally
                {
                    dev.Power.Put();
                }

                return 0;
            }
        }
        """,
        Vpm0003());

    [Fact]
    public Task SwitchOnTheResultWithASignArm() => Verify(
        """
        sealed class Driver(Device dev)
        {
            public int Open()
            {
                var ret = {|#0:dev.Power.GetSync()|};
                switch (ret)
                {
                    case < 0:
                        {|#1:return -Errno.EIO;|}
                    default:
                        dev.Power.Put();
                        return 0;
                }
            }
        }
        """,
        """
        sealed class Driver(Device dev)
        {
            public int Open()
            {
                var ret = dev.Power.ResumeAndGet();
                switch (ret)
                {
                    case < 0:
                        return -Errno.EIO;
                    default:
                        dev.Power.Put();
                        return 0;
                }
            }
        }
        """,
        Vpm0003());
}
