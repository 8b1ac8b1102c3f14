using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Capability 5 of the flow engine: "resumed" is not "counted". GetSync (and the async Get) keep the usage count even
/// when the resume fails, so with the result unchecked the device is counted but not known active: a device access
/// there is VPM0006 on the failing path, named as such. A checked result, or ResumeAndGet's success, is active.
/// </summary>
public sealed class CountedVersusActiveTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power; using VfioPm.Runtime.Vfio;
        class I2cDw {
          public MemoryLock MemoryLock { get; } = new();
          public Device Dev = null!;
          const int IcEnable = 0x6c;
          [DeviceAccess(MemoryLockMode.Shared, LockFree = true)] void WriteReg(int reg, int val) { }
          int WaitBusNotBusy() => 0;

        """;

    private static Task Verify(string body, params DiagnosticResult[] expected) =>
        Verification.Verify.AnalyzerAsync<DeviceAccessAnalyzer>(Prelude + body + "\n}", expected);

    // i2c_dw_xfer_common() before "i2c: designware: Use runtime PM macro for auto-cleanup": get_sync's result ignored,
    // then the controller is programmed.
    [Fact]
    public Task UncheckedGetSyncThenAccessIsVpm0006() => Verify("""
            int XferCommon()
            {
                int ret;

                {|#0:Dev.Power.GetSync()|};

                {|#1:WriteReg(IcEnable, 0)|};
                ret = WaitBusNotBusy();

                Dev.Power.MarkLastBusy();
                Dev.Power.PutAutosuspend();
                return ret;
            }
            """,
        Verification.Verify.Diagnostic("VPM0006").WithLocation(1).WithLocation(0).WithMessage("'WriteReg()' touches the device but 'Dev.Power' is only counted here, not known active: the result of 'GetSync()' is not checked: it may be suspended or in D3cold"));

    [Fact]
    public Task CheckedGetSyncThenAccessIsClean() => Verify("""
        int XferCommon()
        {
            int ret = Dev.Power.GetSync();
            if (ret < 0)
            {
                Dev.Power.PutNoIdle();
                return ret;
            }

            WriteReg(IcEnable, 0);
            ret = WaitBusNotBusy();
            Dev.Power.PutAutosuspend();
            return ret;
        }
        """);

    [Fact]
    public Task AccessOnlyOnTheFailingBranchIsReportedThere() => Verify("""
        int XferCommon()
        {
            int ret = Dev.Power.GetSync();
            if (ret < 0)
            {
                {|VPM0006:WriteReg(IcEnable, 0)|};
                Dev.Power.PutNoIdle();
                return ret;
            }

            WriteReg(IcEnable, 1);
            Dev.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task ResumeAndGetSuccessIsActive() => Verify("""
        int XferCommon()
        {
            if (Dev.Power.ResumeAndGet() < 0)
                return -Errno.EIO;
            WriteReg(IcEnable, 0);
            Dev.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task AsyncGetUncheckedIsCountedNotActive() => Verify("""
        void Kick()
        {
            Dev.Power.Get();
            {|VPM0006:WriteReg(IcEnable, 1)|};
            Dev.Power.Put();
        }
        """);

    [Fact]
    public Task AsyncGetThatFoundTheDeviceActiveIsActive() => Verify("""
        void Kick()
        {
            if (Dev.Power.Get() == 1)
                WriteReg(IcEnable, 1);
            Dev.Power.Put();
        }
        """);

    // A second, checked reference on the same device makes it active whatever the first one's result was.
    [Fact]
    public Task ACheckedResumeNextToAnUncheckedCountIsActive() => Verify("""
        int XferCommon()
        {
            Dev.Power.GetSync();
            if (Dev.Power.ResumeAndGet() < 0)
            {
                Dev.Power.PutNoIdle();
                return -Errno.EIO;
            }

            WriteReg(IcEnable, 0);
            Dev.Power.Put();
            Dev.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task NoReferenceAtAllKeepsTheOriginalMessage() => Verify("""
        void Kick() { {|#0:WriteReg(IcEnable, 1)|}; }
        """,
        Verification.Verify.Diagnostic("VPM0006").WithLocation(0).WithMessage("'WriteReg()' touches the device but no runtime-PM reference on 'I2cDw' is held here: it may be suspended or in D3cold"));
}
