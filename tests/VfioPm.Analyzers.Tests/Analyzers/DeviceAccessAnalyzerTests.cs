using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Analyzers;

/// <summary>VPM0004 / VPM0005 / VPM0006: device access without memory_lock, under a read hold where a write hold is needed, or without a runtime-PM reference.</summary>
public sealed class DeviceAccessAnalyzerTests
{
    private const string Prelude = TestPreludes.Hardware;

    // The members go into the prelude's class.
    private static Task VerifyAsync(string members) => Verify.AnalyzerAsync<DeviceAccessAnalyzer>(Prelude + "\n" + members + "\n}\n");

    [Fact]
    public Task AccessUnderLockAndReferenceIsClean() => VerifyAsync("""
        int F()
        {
            if (Dev.Power.ResumeAndGet() < 0) return -5;
            try
            {
                using (MemoryLock.ReadLock())
                {
                    return ReadBar();
                }
            }
            finally
            {
                Dev.Power.Put();
            }
        }
        """);

    [Fact]
    public Task AccessWithoutTheLock() => VerifyAsync("""
        int F()
        {
            if (Dev.Power.ResumeAndGet() < 0) return -5;
            var v = {|VPM0004:ReadBar()|};
            Dev.Power.Put();
            return v;
        }
        """);

    [Fact]
    public Task AccessNeedingWriteUnderARead() => VerifyAsync("""
        void F()
        {
            using var pm = Dev.Power.ResumeAndGetScope();
            using (MemoryLock.ReadLock())
            {
                {|VPM0005:SetState()|};
            }
        }
        """);

    [Fact]
    public Task AccessWithoutAReference() => VerifyAsync("""
        int F()
        {
            using (MemoryLock.ReadLock())
            {
                return {|VPM0006:ReadBar()|};
            }
        }
        """);

    [Fact]
    public Task AccessAfterThePutIsReported() => VerifyAsync("""
        int F()
        {
            Dev.Power.GetNoResume();
            Dev.Power.PutNoIdle();
            return {|VPM0004:{|VPM0006:ReadBar()|}|};
        }
        """);

    [Fact]
    public Task AccessOnOnlySomePathsHoldingTheReference() => VerifyAsync("""
        int F(bool b)
        {
            if (b) Dev.Power.GetNoResume();
            using (MemoryLock.ReadLock())
            {
                return {|VPM0006:ReadBar()|};
            }
        }
        """);

    [Fact]
    public Task RuntimePmCallbacksNeedNoReference() => VerifyAsync("""
        [RuntimePmCallback] int Suspend()
        {
            using (MemoryLock.WriteLock())
            {
                SetState();
            }
            return 0;
        }
        """);

    [Fact]
    public Task MethodsDeclaringTheRequirementPassItToTheirCallers() => VerifyAsync("""
        [RequiresPmReference] int Handler()
        {
            using (MemoryLock.ReadLock())
            {
                return ReadBar();
            }
        }
        int Caller()
        {
            return {|VPM0006:Handler()|};
        }
        int GoodCaller()
        {
            using var pm = Dev.Power.ResumeAndGetScope();
            return Handler();
        }
        """);

    [Fact]
    public Task GeneratedDispatchHandlersRunWithAReference() => VerifyAsync("""
        [VfioIoctl(0x3B6F)] int Reset(System.Span<byte> arg)
        {
            using (MemoryLock.WriteLock())
            {
                SetState();
            }
            return 0;
        }
        """);

    [Fact]
    public Task LockFreeAccessNeedsOnlyTheReference() => VerifyAsync("""
        int F()
        {
            using var pm = Dev.Power.ResumeAndGetScope();
            return ReadIoPort();
        }
        """);
}
