using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Analyzers;

/// <summary>VPM0007: synchronous runtime resume or suspend while memory_lock is held.</summary>
public sealed class SyncTransitionUnderLockAnalyzerTests
{
    private const string Prelude = TestPreludes.Driver;

    // The members go into the prelude's class.
    private static Task VerifyAsync(string members) => Verify.AnalyzerAsync<SyncTransitionUnderLockAnalyzer>(Prelude + "\n" + members + "\n}\n");

    [Fact]
    public Task SynchronousResumeUnderTheLockDeadlocks() => VerifyAsync("""
        void F()
        {
            using (MemoryLock.WriteLock())
            {
                {|VPM0007:Dev.Power.Resume()|};
            }
        }
        void G()
        {
            MemoryLock.DownRead();
            {|VPM0007:Dev.Power.ResumeAndGet()|};
            MemoryLock.UpRead();
            Dev.Power.Put();
        }
        """);

    [Fact]
    public Task NoResumeAndNoIdleUnderTheLockAreFine() => VerifyAsync("""
        void F()
        {
            using (MemoryLock.WriteLock())
            {
                Dev.Power.GetNoResume();
            }
            Dev.Power.PutNoIdle();
        }
        void G()
        {
            using (MemoryLock.WriteLock())
            {
                Dev.Power.Put();
            }
        }
        void H()
        {
            Dev.Power.Resume();
        }
        """);
}
