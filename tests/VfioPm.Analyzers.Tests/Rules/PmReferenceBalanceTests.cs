using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>VPM0001 / VPM0002 / VPM0003 over the path shapes kernel fixes and CA2000 users care about.</summary>
public sealed class PmReferenceBalanceTests
{
    private const string Usings = "using System; using VfioPm.Runtime; using VfioPm.Runtime.Power;\n";

    private static Task<AnalyzerResult> Verify(string body) =>
        AnalyzerVerifier.VerifyAsync<PmReferenceBalanceAnalyzer>(Usings + "class C {\n" + body + "\nstatic void Work() { }\n}");

    [Fact]
    public Task ResumeAndGetCheckedAndPutIsClean() => Verify("""
        int F(Device d) { if (d.Power.ResumeAndGet() < 0) return -Errno.EIO; Work(); d.Power.Put(); return 0; }
        """);

    [Fact]
    public async Task EarlyReturnAfterGetLeaksAndNamesTheExit()
    {
        var result = await Verify("""
            int F(Device d, bool bad)
            {
                var r = {|#0:d.Power.ResumeAndGet()|};
                if (r < 0) return r;
                if (bad) {|VPM0001:return -Errno.EINVAL;|}
                d.Power.Put();
                return 0;
            }
            """);
        result.AssertMessageContains("VPM0001", "'d.Power'").AssertMessageContains("VPM0001", "returns at line").AssertAdditionalLocations("VPM0001", "0");
    }

    [Fact]
    public Task ResultTestedAsNotEqualZeroIsUnderstood() => Verify("""
        int F(Device d) { var r = d.Power.ResumeAndGet(); if (r != 0) return -Errno.EIO; d.Power.Put(); return 0; }
        """);

    [Fact]
    public Task ResultTestedWithAPatternIsUnderstood() => Verify("""
        int F(Device d) { if (d.Power.ResumeAndGet() is < 0) return -Errno.EIO; d.Power.Put(); return 0; }
        """);

    [Fact]
    public Task GetSyncWhoseFailurePathReturnsIsVpm0003() => Verify("""
        int F(Device d) { var r = {|VPM0003:d.Power.GetSync()|}; if (r < 0) return r; d.Power.Put(); return 0; }
        """);

    [Fact]
    public Task GetSyncWithPutNoIdleOnFailureIsClean() => Verify("""
        int F(Device d) { var r = d.Power.GetSync(); if (r < 0) { d.Power.PutNoIdle(); return r; } d.Power.Put(); return 0; }
        """);

    [Fact]
    public Task PutOnTheFailurePathOfResumeAndGetUnderflows() => Verify("""
        int F(Device d) { var r = d.Power.ResumeAndGet(); Work(); {|VPM0002:d.Power.Put()|}; return r; }
        """);

    [Fact]
    public Task PutWithoutGetUnderflows() => Verify("""
        void F(Device d) { {|VPM0002:d.Power.Put()|}; }
        """);

    [Fact]
    public Task TryFinallyBalances() => Verify("""
        void F(Device d) { d.Power.GetNoResume(); try { Work(); } finally { d.Power.PutNoIdle(); } }
        """);

    [Fact]
    public Task ThrowWithoutFinallyLeaks() => Verify("""
        void F(Device d, bool bad) { d.Power.GetNoResume(); if (bad) {|VPM0001:throw new InvalidOperationException();|} d.Power.PutNoIdle(); }
        """);

    [Fact]
    public Task ThrowInsideTryFinallyIsBalanced() => Verify("""
        void F(Device d, bool bad) { d.Power.GetNoResume(); try { if (bad) throw new InvalidOperationException(); Work(); } finally { d.Power.PutNoIdle(); } }
        """);

    [Fact]
    public Task UsingScopeBalances() => Verify("""
        int F(Device d) { using var pm = d.Power.ResumeAndGetScope(); if (pm.Error < 0) return -Errno.EIO; Work(); return 0; }
        """);

    [Fact]
    public Task UsingStatementScopeBalances() => Verify("""
        void F(Device d) { using (d.Power.ResumeAndGetScope()) { Work(); } }
        """);

    [Fact]
    public Task AScopeNeverDisposedLeaks() => Verify("""
        void F(Device d) { var pm = d.Power.ResumeAndGetScope(); Work(); {|VPM0001:}|}
        """);

    [Fact]
    public Task GetAndPutPerIterationIsClean() => Verify("""
        void F(Device d, int n) { for (var i = 0; i < n; i++) { if (d.Power.ResumeAndGet() != 0) continue; Work(); d.Power.Put(); } }
        """);

    [Fact]
    public Task GetPerIterationPutOnceAfterIsReported() => Verify("""
        void F(Device d, int n) { for (var i = 0; i < n; i++) { d.Power.GetNoResume(); } {|VPM0002:d.Power.PutNoIdle()|}; {|VPM0001:}|}
        """);

    [Fact]
    public Task SwitchArmThatReturnsEarlyLeaks() => Verify("""
        int F(Device d, int k)
        {
            if (d.Power.ResumeAndGet() < 0) return -Errno.EIO;
            switch (k)
            {
                case 1: {|VPM0001:return 1;|}
                default: d.Power.Put(); return 0;
            }
        }
        """);

    [Fact]
    public Task ErrorLabelsInTheRightOrderAreClean() => Verify("""
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
    public Task ErrorLabelsInTheWrongOrderAreReported() => Verify("""
        int F(Device a, Device b)
        {
            int ret;
            if ((ret = a.Power.ResumeAndGet()) < 0) goto put_a;
            if ((ret = b.Power.ResumeAndGet()) < 0) goto out_b;
            Work();
        out_b:
            b.Power.Put();
        put_a:
            a.Power.Put();
            return ret;
        }
        """.Replace("b.Power.Put();", "{|VPM0002:b.Power.Put()|};").Replace("a.Power.Put();", "{|VPM0002:a.Power.Put()|};"));

    [Fact]
    public Task GetIfActiveHoldsOnlyWhenItReturnsOne() => Verify("""
        int F(Device d) { if (d.Power.GetIfActive() <= 0) return 0; Work(); d.Power.Put(); return 1; }
        """);

    [Fact]
    public Task GetIfInUseTestedWithEqualsOneIsClean() => Verify("""
        void F(Device d) { if (d.Power.GetIfInUse() == 1) { Work(); d.Power.Put(); } }
        """);

    [Fact]
    public Task LambdaIsAnalysedOnItsOwn() => Verify("""
        void F(Device d) { Action a = () => { d.Power.GetNoResume(); {|VPM0001:}|}; a(); }
        """);

    [Fact]
    public Task LocalFunctionIsAnalysedOnItsOwn() => Verify("""
        void F(Device d) { Take(); void Take() { d.Power.GetNoResume(); {|VPM0001:}|} }
        """);

    [Fact]
    public Task CorrelatedNullConditionalsBalance() => Verify("""
        void F(Device d) { var parent = d.Parent; parent?.Power.GetSync(); Work(); parent?.Power.PutSync(); }
        """);

    [Fact]
    public Task AnAliasOfTheSameDeviceBalances() => Verify("""
        void F(Device d) { var pm = d.Power; pm.GetNoResume(); d.Power.PutNoIdle(); }
        """);

    [Fact]
    public Task DifferentDevicesAreKeptApart() => Verify("""
        void F(Device a, Device b) { a.Power.GetNoResume(); {|VPM0002:b.Power.PutNoIdle()|}; {|VPM0001:}|}
        """);
}
