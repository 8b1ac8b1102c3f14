using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>VPM0004 / VPM0005 / VPM0006 (device access) and VPM0009 ([GuardedBy]).</summary>
public sealed class AccessRuleTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power; using VfioPm.Runtime.Vfio;
        class Hw {
          public MemoryLock MemoryLock { get; } = new();
          public Device Dev = null!;
          readonly object _gate = new();
          [GuardedBy("MemoryLock")] bool _engaged;
          [GuardedBy("_gate")] int _count;
          [DeviceAccess(MemoryLockMode.Shared)] int ReadBar() => 0;
          [DeviceAccess(MemoryLockMode.Exclusive)] void SetState() { }
          [DeviceAccess(MemoryLockMode.Shared, LockFree = true)] int ReadIoPort() => 0;

        """;

    private static Task<AnalyzerResult> Verify<T>(string body)
        where T : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        AnalyzerVerifier.VerifyAsync<T>(Prelude + body + "\n}");

    [Fact]
    public Task AccessUnderLockAndReferenceIsClean() => Verify<DeviceAccessAnalyzer>("""
        int F() { if (Dev.Power.ResumeAndGet() < 0) return -5; try { using (MemoryLock.ReadLock()) { return ReadBar(); } } finally { Dev.Power.Put(); } }
        """);

    [Fact]
    public Task AccessWithoutTheLock() => Verify<DeviceAccessAnalyzer>("""
        int F() { if (Dev.Power.ResumeAndGet() < 0) return -5; var v = {|VPM0004:ReadBar()|}; Dev.Power.Put(); return v; }
        """);

    [Fact]
    public Task AccessNeedingWriteUnderARead() => Verify<DeviceAccessAnalyzer>("""
        void F() { using var pm = Dev.Power.ResumeAndGetScope(); using (MemoryLock.ReadLock()) { {|VPM0005:SetState()|}; } }
        """);

    [Fact]
    public Task AccessWithoutAReference() => Verify<DeviceAccessAnalyzer>("""
        int F() { using (MemoryLock.ReadLock()) { return {|VPM0006:ReadBar()|}; } }
        """);

    [Fact]
    public Task AccessAfterThePutIsReported() => Verify<DeviceAccessAnalyzer>("""
        int F() { Dev.Power.GetNoResume(); Dev.Power.PutNoIdle(); return {|VPM0004:{|VPM0006:ReadBar()|}|}; }
        """);

    [Fact]
    public Task AccessOnOnlySomePathsHoldingTheReference() => Verify<DeviceAccessAnalyzer>("""
        int F(bool b) { if (b) Dev.Power.GetNoResume(); using (MemoryLock.ReadLock()) { return {|VPM0006:ReadBar()|}; } }
        """);

    [Fact]
    public Task RuntimePmCallbacksNeedNoReference() => Verify<DeviceAccessAnalyzer>("""
        [RuntimePmCallback] int Suspend() { using (MemoryLock.WriteLock()) { SetState(); } return 0; }
        """);

    [Fact]
    public Task MethodsDeclaringTheRequirementPassItToTheirCallers() => Verify<DeviceAccessAnalyzer>("""
        [RequiresPmReference] int Handler() { using (MemoryLock.ReadLock()) { return ReadBar(); } }
        int Caller() { return {|VPM0006:Handler()|}; }
        int GoodCaller() { using var pm = Dev.Power.ResumeAndGetScope(); return Handler(); }
        """);

    [Fact]
    public Task GeneratedDispatchHandlersRunWithAReference() => Verify<DeviceAccessAnalyzer>("""
        [VfioIoctl(0x3B6F)] int Reset(System.Span<byte> arg) { using (MemoryLock.WriteLock()) { SetState(); } return 0; }
        """);

    [Fact]
    public Task LockFreeAccessNeedsOnlyTheReference() => Verify<DeviceAccessAnalyzer>("""
        int F() { using var pm = Dev.Power.ResumeAndGetScope(); return ReadIoPort(); }
        """);

    [Fact]
    public Task GuardedReadsAndWrites() => Verify<GuardedByAnalyzer>("""
        bool ReadUnlocked() => {|VPM0009:_engaged|};
        void WriteUnderRead() { using (MemoryLock.ReadLock()) { {|VPM0009:_engaged|} = true; } }
        void WriteOk() { using (MemoryLock.WriteLock()) { _engaged = true; } }
        bool ReadOk() { using (MemoryLock.ReadLock()) { return _engaged; } }
        Hw() { _engaged = false; }
        """);

    [Fact]
    public Task GuardedByAMonitorLock() => Verify<GuardedByAnalyzer>("""
        int Get() { lock (_gate) { return _count; } }
        void Inc() { lock (_gate) { _count++; } }
        int Racy() => {|VPM0009:_count|};
        """);
}
