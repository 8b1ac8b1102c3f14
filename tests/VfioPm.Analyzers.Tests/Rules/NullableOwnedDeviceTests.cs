using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// An owning member whose device may be absent: <c>dev->power.irq_safe</c> owns a reference on <c>dev->parent</c>, and
/// runtime.c takes and gives it back only <c>if (dev->parent)</c> (<c>pm_runtime_irq_safe()</c>,
/// <c>pm_runtime_reinit()</c>). A write of the owner on a path where the device is null moves nothing; where it is not,
/// the transfer is checked as for any owner. <c>{|VPMxxxx:…|}</c> marks an expected diagnostic; every other diagnostic
/// fails the test.
/// </summary>
public sealed class NullableOwnedDeviceTests
{
    private const string DevicePort = """
        #nullable enable
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;

        sealed class Dev
        {
            public Dev(Device device) { Device = device; Parent = device.Parent; }
            public Device Device { get; }

            // dev->parent, fixed at registration; a root device has none.
            public Device? Parent { get; }

            public object PowerLock { get; } = new();

            // dev->power.irq_safe: while set, the device keeps its parent resumed with one reference.
            [OwnsPmReference(nameof(Parent))] public bool IrqSafe;
        }

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(DevicePort + "static class RuntimeC\n{\n" + body + "\n}\n", expected);

    [Fact]
    public Task IrqSafeTakesTheParentReferenceOnlyWhenThereIsAParent() => Check("""
        // pm_runtime_irq_safe()
        static void IrqSafe(Dev dev)
        {
            if (dev.Parent != null)
                dev.Parent.Power.GetSync();

            lock (dev.PowerLock)
                dev.IrqSafe = true;
        }
        """);

    [Fact]
    public Task ReinitPutsTheParentReferenceOnlyWhenThereIsAParent() => Check("""
        // pm_runtime_reinit()
        static void Reinit(Dev dev)
        {
            if (!dev.Device.Power.IsEnabled)
            {
                if (dev.Device.Power.Status == RpmStatus.Active)
                    dev.Device.Power.SetSuspended();
                if (dev.IrqSafe)
                {
                    lock (dev.PowerLock)
                        dev.IrqSafe = false;
                    if (dev.Parent != null)
                        dev.Parent.Power.Put();
                }
            }
        }
        """);

    [Fact]
    public Task IrqSafeWithoutTheGetIsReportedAtTheWrite() => Check("""
        static void IrqSafe(Dev dev)
        {
            lock (dev.PowerLock)
                {|VPM0002:dev.IrqSafe = true|};
        }
        """);

    [Fact]
    public Task IrqSafeThatGetsOnlyWithoutAParentIsReportedAtTheWrite() => Check("""
        static void IrqSafe(Dev dev)
        {
            if (dev.Parent == null)
                return;

            {|VPM0002:dev.IrqSafe = true|};
        }
        """);

    [Fact]
    public Task ReinitThatNeverPutsLeaksTheParentReference() => Check("""
        static void Reinit(Dev dev)
        {
            if (dev.IrqSafe)
                dev.IrqSafe = false;
        {|VPM0001:}|}
        """);
}
