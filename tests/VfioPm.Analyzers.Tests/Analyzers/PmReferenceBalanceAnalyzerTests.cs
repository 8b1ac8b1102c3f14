using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Analyzers;

/// <summary>VPM0001 (a reference not put on some path), VPM0002 (a put without a held reference) and VPM0003 (GetSync's failure path) over the path shapes kernel fixes care about.</summary>
public sealed class PmReferenceBalanceAnalyzerTests
{
    private const string DriverPrelude = TestPreludes.Driver;

    private const string PmPrelude = """
        using System;
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;

        class C
        {
            static void Work() { }

        """;

    // The members go into the prelude's class.
    private static Task VerifyInDriverAsync(string members) => Verify.AnalyzerAsync<PmReferenceBalanceAnalyzer>(DriverPrelude + "\n" + members + "\n}\n");

    // The members go into the prelude's class.
    private static Task VerifyAsync(string members) => Verify.AnalyzerAsync<PmReferenceBalanceAnalyzer>(PmPrelude + "\n" + members + "\n}\n");

    [Fact]
    public Task ResumeAndGetCheckedAndPutIsClean() => VerifyAsync("""
        int F(Device d)
        {
            if (d.Power.ResumeAndGet() < 0) return -Errno.EIO;
            Work();
            d.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task EarlyReturnAfterGetLeaksAndNamesTheExit() => Verify.AnalyzerAsync<PmReferenceBalanceAnalyzer>(
        """
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;

        class C
        {
            int F(Device d, bool bad)
            {
                var r = {|#1:d.Power.ResumeAndGet()|};
                if (r < 0)
                    return r;
                if (bad)
                    {|#0:return -Errno.EINVAL;|}
                d.Power.Put();
                return 0;
            }
        }
        """,
        Verify.Diagnostic("VPM0001").WithLocation(0).WithLocation(1).WithArguments("d.Power", "returns at line 12"));

    [Fact]
    public Task ResultTestedAsNotEqualZeroIsUnderstood() => VerifyAsync("""
        int F(Device d)
        {
            var r = d.Power.ResumeAndGet();
            if (r != 0) return -Errno.EIO;
            d.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task ResultTestedWithAPatternIsUnderstood() => VerifyAsync("""
        int F(Device d)
        {
            if (d.Power.ResumeAndGet() is < 0) return -Errno.EIO;
            d.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task GetSyncWhoseFailurePathReturnsIsVpm0003() => VerifyAsync("""
        int F(Device d)
        {
            var r = {|VPM0003:d.Power.GetSync()|};
            if (r < 0) return r;
            d.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task GetSyncWithPutNoIdleOnFailureIsClean() => VerifyAsync("""
        int F(Device d)
        {
            var r = d.Power.GetSync();
            if (r < 0)
            {
                d.Power.PutNoIdle();
                return r;
            }
            d.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task PutOnTheFailurePathOfResumeAndGetUnderflows() => VerifyAsync("""
        int F(Device d)
        {
            var r = d.Power.ResumeAndGet();
            Work();
            {|VPM0002:d.Power.Put()|};
            return r;
        }
        """);

    [Fact]
    public Task PutWithoutGetUnderflows() => VerifyAsync("""
        void F(Device d)
        {
            {|VPM0002:d.Power.Put()|};
        }
        """);

    [Fact]
    public Task TryFinallyBalances() => VerifyAsync("""
        void F(Device d)
        {
            d.Power.GetNoResume();
            try
            {
                Work();
            }
            finally
            {
                d.Power.PutNoIdle();
            }
        }
        """);

    [Fact]
    public Task ThrowWithoutFinallyLeaks() => VerifyAsync("""
        void F(Device d, bool bad)
        {
            d.Power.GetNoResume();
            if (bad) {|VPM0001:throw new InvalidOperationException();|}
            d.Power.PutNoIdle();
        }
        """);

    [Fact]
    public Task ThrowInsideTryFinallyIsBalanced() => VerifyAsync("""
        void F(Device d, bool bad)
        {
            d.Power.GetNoResume();
            try
            {
                if (bad) throw new InvalidOperationException();
                Work();
            }
            finally
            {
                d.Power.PutNoIdle();
            }
        }
        """);

    [Fact]
    public Task UsingScopeBalances() => VerifyAsync("""
        int F(Device d)
        {
            using var pm = d.Power.ResumeAndGetScope();
            if (pm.Error < 0) return -Errno.EIO;
            Work();
            return 0;
        }
        """);

    [Fact]
    public Task UsingStatementScopeBalances() => VerifyAsync("""
        void F(Device d)
        {
            using (d.Power.ResumeAndGetScope())
            {
                Work();
            }
        }
        """);

    [Fact]
    public Task AScopeNeverDisposedLeaks() => VerifyAsync("""
        void F(Device d)
        {
            var pm = d.Power.ResumeAndGetScope();
            Work();
        {|VPM0001:}|}
        """);

    [Fact]
    public Task GetAndPutPerIterationIsClean() => VerifyAsync("""
        void F(Device d, int n)
        {
            for (var i = 0; i < n; i++)
            {
                if (d.Power.ResumeAndGet() != 0) continue;
                Work();
                d.Power.Put();
            }
        }
        """);

    [Fact]
    public Task GetPerIterationPutOnceAfterIsReported() => VerifyAsync("""
        void F(Device d, int n)
        {
            for (var i = 0; i < n; i++)
            {
                d.Power.GetNoResume();
            }
            {|VPM0002:d.Power.PutNoIdle()|};
        {|VPM0001:}|}
        """);

    [Fact]
    public Task SwitchArmThatReturnsEarlyLeaks() => VerifyAsync("""
        int F(Device d, int k)
        {
            if (d.Power.ResumeAndGet() < 0) return -Errno.EIO;
            switch (k)
            {
                case 1: {|VPM0001:return 1;|}
                default: d.Power.Put();
                return 0;
            }
        }
        """);

    [Fact]
    public Task ErrorLabelsInTheRightOrderAreClean() => VerifyAsync("""
        int F(Device a, Device b)
        {
            int ret;
            if ((ret = a.Power.ResumeAndGet()) < 0) goto out_a;
            if ((ret = b.Power.ResumeAndGet()) < 0) goto put_a;
            Work();
            b.Power.Put();
        put_a:
            a.Power.Put();
        out_a:
            return ret;
        }
        """);

    [Fact]
    public Task ErrorLabelsInTheWrongOrderAreReported() => VerifyAsync("""
        int F(Device a, Device b)
        {
            int ret;
            if ((ret = a.Power.ResumeAndGet()) < 0) goto put_a;
            if ((ret = b.Power.ResumeAndGet()) < 0) goto out_b;
            Work();
        out_b:
            {|VPM0002:b.Power.Put()|};
        put_a:
            {|VPM0002:a.Power.Put()|};
            return ret;
        }
        """);

    [Fact]
    public Task GetIfActiveHoldsOnlyWhenItReturnsOne() => VerifyAsync("""
        int F(Device d)
        {
            if (d.Power.GetIfActive() <= 0) return 0;
            Work();
            d.Power.Put();
            return 1;
        }
        """);

    [Fact]
    public Task GetIfInUseTestedWithEqualsOneIsClean() => VerifyAsync("""
        void F(Device d)
        {
            if (d.Power.GetIfInUse() == 1)
            {
                Work();
                d.Power.Put();
            }
        }
        """);

    [Fact]
    public Task LambdaIsAnalysedOnItsOwn() => VerifyAsync("""
        void F(Device d)
        {
            Action a = () =>
            {
                d.Power.GetNoResume();
            {|VPM0001:}|};
            a();
        }
        """);

    [Fact]
    public Task LocalFunctionIsAnalysedOnItsOwn() => VerifyAsync("""
        void F(Device d)
        {
            Take();
            void Take()
            {
                d.Power.GetNoResume();
            {|VPM0001:}|}
        }
        """);

    [Fact]
    public Task CorrelatedNullConditionalsBalance() => VerifyAsync("""
        void F(Device d)
        {
            var parent = d.Parent;
            parent?.Power.GetSync();
            Work();
            parent?.Power.PutSync();
        }
        """);

    [Fact]
    public Task AnAliasOfTheSameDeviceBalances() => VerifyAsync("""
        void F(Device d)
        {
            var pm = d.Power;
            pm.GetNoResume();
            d.Power.PutNoIdle();
        }
        """);

    [Fact]
    public Task DifferentDevicesAreKeptApart() => VerifyAsync("""
        void F(Device a, Device b)
        {
            a.Power.GetNoResume();
            {|VPM0002:b.Power.PutNoIdle()|};
        {|VPM0001:}|}
        """);

    [Fact]
    public Task CallersUseContracts() => VerifyInDriverAsync("""
        [AcquiresPmReference("Dev.Power")] void Take()
        {
            Dev.Power.GetNoResume();
        }
        [ReleasesPmReference("Dev.Power")] void Drop()
        {
            Dev.Power.PutNoIdle();
        }
        void Balanced()
        {
            Take();
            Work();
            Drop();
        }
        void Leaky()
        {
            Take();
            Work();
        {|VPM0001:}|}
        """);
}
