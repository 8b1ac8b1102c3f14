using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Capability 6 of the flow engine: a runtime-PM contract on a static method without a device target binds to the
/// method's single device parameter (checked in the body, followed at call sites), or is malformed (VPM0011 saying so).
/// A static body is no longer trusted as if it were a primitive.
/// </summary>
public sealed class StaticDeviceBindingTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power; using VfioPm.Runtime.Vfio;
        class VfioPciCoreDevice { public Device Pdev = null!; public MemoryLock MemoryLock { get; } = new(); }
        static class Pm {
          static int EnableDevice(Device d) => 0;
          static void Work() { }

        """;

    private static Task Verify<T>(string body, params DiagnosticResult[] expected)
        where T : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        Verification.Verify.AnalyzerAsync<T>(Prelude + body + "\n}", expected);

    // vfio_pci_core_enable()'s resume, as a static helper on the device: the contract is on "dev".
    [Fact]
    public Task StaticHelperBindsToItsDeviceParameterAndItsBodyIsChecked() => Verify<ContractAnalyzer>("""
        [AcquiresPmReference(OnSuccess = true)]
        public static int PowerUp(Device dev)
        {
            int ret = dev.Power.ResumeAndGet();
            if (ret != 0)
                return ret;

            ret = EnableDevice(dev);
            if (ret != 0)
                {|VPM0011:return ret;|}

            return 0;
        }
        """);

    [Fact]
    public Task StaticHelperThatIsRightIsClean() => Verify<ContractAnalyzer>("""
        [AcquiresPmReference(OnSuccess = true)]
        public static int PowerUp(Device dev)
        {
            int ret = dev.Power.ResumeAndGet();
            if (ret != 0)
                return ret;

            ret = EnableDevice(dev);
            if (ret != 0)
            {
                dev.Power.Put();
                return ret;
            }

            return 0;
        }

        [ReleasesPmReference]
        public static void PowerDown(VfioPciCoreDevice vdev) => vdev.Pdev.Power.Put();
        """);

    [Fact]
    public Task StaticHelperLeakIsNoLongerHidden() => Verify<ContractAnalyzer>("""
        [ReleasesPmReference]
        public static void PowerDown(Device dev, bool idle)
        {
            dev.Power.GetNoResume();
            if (idle)
                dev.Power.PutNoIdle();
            dev.Power.Put();
        {|VPM0011:}|}
        """);

    // The caller of a bound static helper: PowerUp's reference is on the argument, PowerDown puts it.
    [Fact]
    public Task CallersOfABoundStaticHelperAreBalanced() => Verify<PmReferenceBalanceAnalyzer>("""
        [AcquiresPmReference(OnSuccess = true)]
        public static int PowerUp(Device dev) => dev.Power.ResumeAndGet();

        [ReleasesPmReference]
        public static void PowerDown(Device dev) => dev.Power.Put();

        static int Open(VfioPciCoreDevice vdev)
        {
            if (PowerUp(vdev.Pdev) != 0)
                return -Errno.EIO;
            Work();
            PowerDown(vdev.Pdev);
            return 0;
        }

        static int OpenAndForget(VfioPciCoreDevice vdev)
        {
            if ({|#0:PowerUp(vdev.Pdev)|} != 0)
                return -Errno.EIO;
            Work();
            {|VPM0001:return 0;|}
        }
        """);

    [Fact]
    public Task ExtensionMethodBindsToItsThisParameter() => Verify<PmReferenceBalanceAnalyzer>("""
        [ReleasesPmReference]
        public static void Release(this VfioPciCoreDevice vdev) => vdev.Pdev.Power.Put();

        static void Close(VfioPciCoreDevice vdev)
        {
            vdev.Pdev.Power.GetNoResume();
            vdev.Release();
        }
        """);

    [Fact]
    public Task StaticHelperWithTwoDevicesIsMalformed() => Verify<ContractAnalyzer>("""
        [AcquiresPmReference]
        public static void {|#0:PowerUpPair|}(Device a, Device b)
        {
            a.Power.GetNoResume();
        }
        """,
        Verification.Verify.Diagnostic("VPM0011").WithLocation(0).WithMessage("'PowerUpPair' is declared to acquire a runtime-PM reference, but its body cannot be checked: a static method has no receiver, and its device parameters ('a.Power', 'b.Power') are more than one; name the device in the attribute"));

    [Fact]
    public Task StaticHelperWithNoDeviceIsMalformed() => Verify<ContractAnalyzer>("""
        [ReleasesPmReference]
        public static void {|#0:Drop|}(int reason) { }
        """,
        Verification.Verify.Diagnostic("VPM0011").WithLocation(0).WithMessage("'Drop' is declared to release a runtime-PM reference, but its body cannot be checked: a static method has no receiver, and it has no device parameter; name the device in the attribute"));

    [Fact]
    public Task StaticHelperThatNamesItsDeviceNeedsNoBinding() => Verify<ContractAnalyzer>("""
        [AcquiresPmReference("a.Power")]
        public static void PowerUpFirst(Device a, Device b) => a.Power.GetNoResume();
        """);
}
