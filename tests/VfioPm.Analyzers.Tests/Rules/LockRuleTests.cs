using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>VPM0010 (memory_lock balance), VPM0007 (sync resume under the lock), VPM0011 (contracts): Clang TSA's cases in C#.</summary>
public sealed class LockRuleTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power; using VfioPm.Runtime.Vfio;
        class Drv {
          public MemoryLock MemoryLock { get; } = new();
          public Device Dev = null!;
          static void Work() { }

        """;

    private static Task<AnalyzerResult> Verify<T>(string body)
        where T : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        AnalyzerVerifier.VerifyAsync<T>(Prelude + body + "\n}");

    [Fact]
    public Task LockUnlockInFinallyIsClean() => Verify<MemoryLockBalanceAnalyzer>("""
        void F() { MemoryLock.DownWrite(); try { Work(); } finally { MemoryLock.UpWrite(); } }
        """);

    [Fact]
    public Task ScopedGuardsAreClean() => Verify<MemoryLockBalanceAnalyzer>("""
        void F() { using (MemoryLock.WriteLock()) { Work(); } }
        void G() { using var g = MemoryLock.ReadLock(); Work(); }
        """);

    [Fact]
    public Task NotReleasedOnAnEarlyReturn() => Verify<MemoryLockBalanceAnalyzer>("""
        void F(bool b) { MemoryLock.DownRead(); if (b) {|VPM0010:return;|} MemoryLock.UpRead(); }
        """);

    [Fact]
    public Task ReleasedTwice() => Verify<MemoryLockBalanceAnalyzer>("""
        void F() { MemoryLock.DownWrite(); MemoryLock.UpWrite(); {|VPM0010:MemoryLock.UpWrite()|}; }
        """);

    [Fact]
    public Task ReleasedOnOnlyOneBranchOfAJoin() => Verify<MemoryLockBalanceAnalyzer>("""
        void F(bool b) { MemoryLock.DownWrite(); if (b) MemoryLock.UpWrite(); Work(); {|VPM0010:}|}
        """);

    [Fact]
    public Task RecursiveAcquireIsASelfDeadlock() => Verify<MemoryLockBalanceAnalyzer>("""
        void F() { MemoryLock.DownWrite(); {|VPM0010:MemoryLock.DownWrite()|}; MemoryLock.UpWrite(); }
        """);

    [Fact]
    public Task TryLockHeldOnlyWhenTrue() => Verify<MemoryLockBalanceAnalyzer>("""
        void F() { if (!MemoryLock.DownWriteTrylock()) return; Work(); MemoryLock.UpWrite(); }
        void G() { var ok = MemoryLock.DownReadTrylock(); if (ok) { Work(); MemoryLock.UpRead(); } }
        """);

    [Fact]
    public Task LockHeldAcrossALoopBodyIsClean() => Verify<MemoryLockBalanceAnalyzer>("""
        void F(int n) { for (var i = 0; i < n; i++) { MemoryLock.DownRead(); Work(); MemoryLock.UpRead(); } }
        """);

    [Fact]
    public Task LockTakenInALoopAndNotReleasedInIt() => Verify<MemoryLockBalanceAnalyzer>("""
        void F(int n) { for (var i = 0; i < n; i++) { {|VPM0010:MemoryLock.DownRead()|}; } {|VPM0010:MemoryLock.UpRead()|}; }
        """);

    [Fact]
    public Task SynchronousResumeUnderTheLockDeadlocks() => Verify<SyncTransitionUnderLockAnalyzer>("""
        void F() { using (MemoryLock.WriteLock()) { {|VPM0007:Dev.Power.Resume()|}; } }
        void G() { MemoryLock.DownRead(); {|VPM0007:Dev.Power.ResumeAndGet()|}; MemoryLock.UpRead(); Dev.Power.Put(); }
        """);

    [Fact]
    public Task NoResumeAndNoIdleUnderTheLockAreFine() => Verify<SyncTransitionUnderLockAnalyzer>("""
        void F() { using (MemoryLock.WriteLock()) { Dev.Power.GetNoResume(); } Dev.Power.PutNoIdle(); }
        void G() { using (MemoryLock.WriteLock()) { Dev.Power.Put(); } }
        void H() { Dev.Power.Resume(); }
        """);

    [Fact]
    public Task AcquireContractIsUsedByCallersAndCheckedInTheBody() => Verify<ContractAnalyzer>("""
        [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "MemoryLock")] void Acquire() { MemoryLock.DownWrite(); }
        [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "MemoryLock")] void AcquireSometimes(bool b) { if (b) MemoryLock.DownWrite(); {|VPM0011:}|}
        """);

    [Fact]
    public Task RequiresContractMustKeepTheLock() => Verify<ContractAnalyzer>("""
        [RequiresMemoryLock(MemoryLockMode.Exclusive)] void Needs() { Work(); }
        [RequiresMemoryLock(MemoryLockMode.Exclusive)] void NeedsButDrops() { MemoryLock.UpWrite(); {|VPM0011:}|}
        """);

    [Fact]
    public Task PmContractWithATargetIsChecked() => Verify<ContractAnalyzer>("""
        [AcquiresPmReference("Dev.Power")] void Take() { Dev.Power.GetNoResume(); }
        [AcquiresPmReference("Dev.Power")] void TakeNot(bool b) { if (b) Dev.Power.GetNoResume(); {|VPM0011:}|}
        [ReleasesPmReference("Dev.Power")] void Drop() { Dev.Power.PutNoIdle(); }
        [ReleasesPmReference("Dev.Power")] void DropNot() { Work(); {|VPM0011:}|}
        """);

    [Fact]
    public Task OnSuccessContractMustReturnWhatItHolds() => Verify<ContractAnalyzer>("""
        [AcquiresPmReference("Dev.Power", OnSuccess = true)] int Good() { if (Dev.Power.ResumeAndGet() < 0) return -Errno.EIO; return 0; }
        [AcquiresPmReference("Dev.Power", OnSuccess = true)] int FailureWhileHolding(bool b) { if (Dev.Power.ResumeAndGet() < 0) return -Errno.EIO; if (b) {|VPM0011:return -Errno.EBUSY;|} return 0; }
        [AcquiresPmReference("Dev.Power", OnSuccess = true)] int SuccessWithoutHolding(bool b) { if (b) {|VPM0011:return 0;|} return Dev.Power.ResumeAndGet(); }
        """);

    [Fact]
    public Task CallersUseContracts() => Verify<PmReferenceBalanceAnalyzer>("""
        [AcquiresPmReference("Dev.Power")] void Take() { Dev.Power.GetNoResume(); }
        [ReleasesPmReference("Dev.Power")] void Drop() { Dev.Power.PutNoIdle(); }
        void Balanced() { Take(); Work(); Drop(); }
        void Leaky() { Take(); Work(); {|VPM0001:}|}
        """);

    [Fact]
    public Task ADriversOwnInternalCopyOfTheAttributesIsHonoured() =>
        AnalyzerVerifier.VerifyAsync<MemoryLockBalanceAnalyzer>("""
            class MyLock
            {
                [VfioPm.Annotations.AcquiresMemoryLock(VfioPm.Annotations.MemoryLockMode.Exclusive)] public void Lock() { }
                [VfioPm.Annotations.ReleasesMemoryLock] public void Unlock() { }
            }
            class User { MyLock L = new(); void F(bool b) { L.Lock(); if (b) {|VPM0010:return;|} L.Unlock(); } }
            """, new VerifierSettings { Annotations = AnnotationSource.InlineInternal });
}
