using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Analyzers;

/// <summary>VPM0011: a body that disagrees with its declared [Acquires*]/[Releases*]/[Requires*] contract.</summary>
public sealed class ContractAnalyzerTests
{
    private const string Prelude = TestPreludes.Driver;

    // The members go into the prelude's class.
    private static Task VerifyAsync(string members) => Verify.AnalyzerAsync<ContractAnalyzer>(Prelude + "\n" + members + "\n}\n");

    [Fact]
    public Task AcquireContractIsUsedByCallersAndCheckedInTheBody() => VerifyAsync("""
        [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "MemoryLock")] void Acquire()
        {
            MemoryLock.DownWrite();
        }
        [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "MemoryLock")] void AcquireSometimes(bool b)
        {
            if (b) MemoryLock.DownWrite();
        {|VPM0011:}|}
        """);

    [Fact]
    public Task RequiresContractMustKeepTheLock() => VerifyAsync("""
        [RequiresMemoryLock(MemoryLockMode.Exclusive)] void Needs()
        {
            Work();
        }
        [RequiresMemoryLock(MemoryLockMode.Exclusive)] void NeedsButDrops()
        {
            MemoryLock.UpWrite();
        {|VPM0011:}|}
        """);

    [Fact]
    public Task PmContractWithATargetIsChecked() => VerifyAsync("""
        [AcquiresPmReference("Dev.Power")] void Take()
        {
            Dev.Power.GetNoResume();
        }
        [AcquiresPmReference("Dev.Power")] void TakeNot(bool b)
        {
            if (b) Dev.Power.GetNoResume();
        {|VPM0011:}|}
        [ReleasesPmReference("Dev.Power")] void Drop()
        {
            Dev.Power.PutNoIdle();
        }
        [ReleasesPmReference("Dev.Power")] void DropNot()
        {
            Work();
        {|VPM0011:}|}
        """);

    [Fact]
    public Task OnSuccessContractMustReturnWhatItHolds() => VerifyAsync("""
        [AcquiresPmReference("Dev.Power", OnSuccess = true)] int Good()
        {
            if (Dev.Power.ResumeAndGet() < 0) return -Errno.EIO;
            return 0;
        }
        [AcquiresPmReference("Dev.Power", OnSuccess = true)] int FailureWhileHolding(bool b)
        {
            if (Dev.Power.ResumeAndGet() < 0) return -Errno.EIO;
            if (b) {|VPM0011:return -Errno.EBUSY;|}
            return 0;
        }
        [AcquiresPmReference("Dev.Power", OnSuccess = true)] int SuccessWithoutHolding(bool b)
        {
            if (b) {|VPM0011:return 0;|}
            return Dev.Power.ResumeAndGet();
        }
        """);
}
