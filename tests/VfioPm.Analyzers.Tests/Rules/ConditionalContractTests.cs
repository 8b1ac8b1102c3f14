using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// <c>When = "Flag"</c>: a PM contract that applies only while a fixed property holds — vfio_main.c's
/// <c>vfio_device_pm_runtime_get()</c>/<c>_put()</c> take and drop a reference only when the bound driver has PM ops
/// (<c>dev-&gt;driver &amp;&amp; dev-&gt;driver-&gt;pm</c>, fixed while bound), <c>vfio_df_device_first_open()</c> keeps
/// the open reference only when the driver has <c>open_device</c>. Checked on the body (a path where the flag is false
/// takes and drops nothing) and at call sites (the caller's paths split on the flag, the same fact its own tests read).
/// The flow rules run at once (<see cref="VfioPmRulesAnalyzerTest"/>); <c>{|VPMxxxx:span|}</c> marks each expected
/// diagnostic.
/// </summary>
public sealed class ConditionalContractTests
{
    // struct vfio_device as a port declares it: its device and the driver's fixed properties.
    private const string Device = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;
        sealed partial class VfioDevice
        {
            public VfioDevice(Device dev) => Dev = dev;
            public Device Dev { get; }
            /// <summary>dev->driver && dev->driver->pm, fixed while the driver is bound.</summary>
            public bool DriverHasPmOps { get; init; }
            public bool Mutable { get; set; }
            int Ioctl(uint cmd) => 0;
        }

        """;

    // vfio_device_pm_runtime_get()/_put() as vfio_main.c writes them.
    private const string GetPut = """
        [AcquiresPmReference(nameof(Dev), OnSuccess = true, When = nameof(DriverHasPmOps))]
        int PmRuntimeGet()
        {
            if (DriverHasPmOps)
            {
                int ret;

                ret = Dev.Power.ResumeAndGet();
                if (ret != 0)
                {
                    // dev_info_ratelimited(dev, "vfio: runtime resume failed %d\n", ret)
                    return -Errno.EIO;
                }
            }

            return 0;
        }

        [ReleasesPmReference(nameof(Dev), When = nameof(DriverHasPmOps))]
        void PmRuntimePut()
        {
            if (DriverHasPmOps)
                Dev.Power.Put();
        }

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(Device + "sealed partial class VfioDevice\n{\n" + body + "\n}\n", expected);

    private static Task CheckFile(string source, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(source, expected);

    [Fact]
    public Task GetPutAndTheIoctlBracketAreClean() => Check(GetPut + """
        // vfio_device_fops_unl_ioctl(): the get's result decides, the put repeats the get's condition (the same fact).
        int UnlIoctl(uint cmd)
        {
            int ret;

            ret = PmRuntimeGet();
            if (ret != 0)
                return ret;

            ret = Ioctl(cmd);

            PmRuntimePut();
            return ret;
        }

        // A caller that tests the property itself pairs with the contract's condition.
        int ProbeOnce()
        {
            if (PmRuntimeGet() != 0)
                return -Errno.EIO;
            if (DriverHasPmOps)
                Dev.Power.Put();
            return 0;
        }
        """);

    // The kernel's caller is a static function reaching the device through its file (df->device, a local alias): the
    // flag is keyed under the receiver's path at each call, so the get and the put on one device pair, and a put on
    // another device does not.
    [Fact]
    public Task CallersThroughAnAliasPairPerDevice() => Check(GetPut + """
        public sealed class DeviceFile
        {
            public DeviceFile(VfioDevice device) => Device = device;
            public VfioDevice Device { get; }
        }

        // vfio_device_fops_unl_ioctl()
        static int UnlIoctl(DeviceFile df, uint cmd)
        {
            var device = df.Device;
            int ret;

            ret = device.PmRuntimeGet();
            if (ret != 0)
                return ret;

            ret = device.Ioctl(cmd);

            device.PmRuntimePut();
            return ret;
        }

        // Gets on one device and puts on another: each call follows its own device's flag.
        static int Crossed(VfioDevice a, VfioDevice b)
        {
            if (a.PmRuntimeGet() != 0)
                return -Errno.EIO;
            {|VPM0002:b.PmRuntimePut()|};
            {|VPM0001:return 0;|}
        }
        """);

    [Fact]
    public Task BodyThatTakesOrDropsWhenTheFlagIsFalseIsReported() => Check("""
        // Resumes before testing the property: on the paths without PM ops the reference is taken anyway.
        [AcquiresPmReference(nameof(Dev), OnSuccess = true, When = nameof(DriverHasPmOps))]
        int GetsFirst()
        {
            var ret = {|#1:Dev.Power.ResumeAndGet()|};
            if (ret != 0)
                return -Errno.EIO;
            if (!DriverHasPmOps)
                {|#0:return 0;|}
            return 0;
        }

        // Puts whatever the driver: the reference it drops was never taken without PM ops.
        [ReleasesPmReference(nameof(Dev), When = nameof(DriverHasPmOps))]
        void PutsAlways()
        {
            Dev.Power.Put();
        {|#2:}|}
        """,
        Verify.Diagnostic("VPM0001").WithLocation(0).WithLocation(1),
        Verify.Diagnostic("VPM0011").WithLocation(2).WithArguments(
            "PutsAlways", "release a runtime-PM reference only when 'DriverHasPmOps'", "releases one although it is false, on the path that reaches the end of the method"));

    [Fact]
    public Task CallerThatIgnoresTheConditionIsReported() => Check(GetPut + """
        // Puts by hand after the conditional get: without PM ops nothing was taken.
        int PutsByHand(uint cmd)
        {
            if (PmRuntimeGet() != 0)
                return -Errno.EIO;
            var ret = Ioctl(cmd);
            {|VPM0002:Dev.Power.Put()|};
            return ret;
        }

        // Forgets the put: with PM ops the reference leaks.
        int ForgetsThePut(uint cmd)
        {
            if (PmRuntimeGet() != 0)
                return -Errno.EIO;
            {|VPM0001:return Ioctl(cmd);|}
        }
        """);

    [Fact]
    public Task StaticHelperWithABoolParameterIsCheckedAndDecidedByItsArgument() => CheckFile("""
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;
        static class VfioMain
        {
            // The C shape: the property is passed in and never assigned; the contract binds to the device parameter.
            [AcquiresPmReference(OnSuccess = true, When = nameof(hasPmOps))]
            public static int PmRuntimeGet(Device dev, bool hasPmOps)
            {
                if (hasPmOps)
                {
                    int ret;

                    ret = dev.Power.ResumeAndGet();
                    if (ret != 0)
                        return -Errno.EIO;
                }

                return 0;
            }

            [ReleasesPmReference(When = nameof(hasPmOps))]
            public static void PmRuntimePut(Device dev, bool hasPmOps)
            {
                if (hasPmOps)
                    dev.Power.Put();
            }

            // The argument is a local: the get and the put read the same fact.
            public static int Bracket(Device dev, object? pm, int cmd)
            {
                var hasPmOps = pm is not null;
                var ret = PmRuntimeGet(dev, hasPmOps);
                if (ret != 0)
                    return ret;
                PmRuntimePut(dev, hasPmOps);
                return cmd;
            }

            // A constant decides the call: false takes nothing, true takes the reference.
            public static int Constants(Device dev)
            {
                if (PmRuntimeGet(dev, false) != 0)
                    return -Errno.EIO;
                if (PmRuntimeGet(dev, true) != 0)
                    return -Errno.EIO;
                {|VPM0001:return 0;|}
            }

            // Assigned in the body: not fixed for the call, so not a condition.
            [AcquiresPmReference(OnSuccess = true, When = nameof(hasPmOps))]
            public static int {|VPM0011:Reassigns|}(Device dev, bool hasPmOps)
            {
                hasPmOps = hasPmOps && dev.Parent is null;
                if (hasPmOps && dev.Power.ResumeAndGet() != 0)
                    return -Errno.EIO;
                return 0;
            }
        }
        """);

    [Fact]
    public Task StaticHelperResolvesTheFlagUnderItsDeviceParameter() => CheckFile("""
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;
        sealed class VfioDevice
        {
            public VfioDevice(Device dev) => Dev = dev;
            public Device Dev { get; }
            public bool DriverHasPmOps { get; init; }
        }

        static class VfioMain
        {
            // No receiver: "DriverHasPmOps" is a member of the device parameter the contract binds to (device.Dev).
            [AcquiresPmReference(OnSuccess = true, When = nameof(VfioDevice.DriverHasPmOps))]
            public static int PmRuntimeGet(VfioDevice device)
            {
                if (device.DriverHasPmOps)
                {
                    if (device.Dev.Power.ResumeAndGet() != 0)
                        return -Errno.EIO;
                }

                return 0;
            }

            [ReleasesPmReference(When = nameof(VfioDevice.DriverHasPmOps))]
            public static void PmRuntimePut(VfioDevice device)
            {
                if (device.DriverHasPmOps)
                    device.Dev.Power.Put();
            }

            public static int Bracket(VfioDevice device, int cmd)
            {
                if (PmRuntimeGet(device) != 0)
                    return -Errno.EIO;
                PmRuntimePut(device);
                return cmd;
            }

            // Skips the test: without PM ops the put drops a reference nobody took.
            [ReleasesPmReference(When = nameof(VfioDevice.DriverHasPmOps))]
            public static void PutsAlways(VfioDevice device)
            {
                device.Dev.Power.Put();
            {|VPM0011:}|}
        }
        """);

    // vfio_pci_core_enable() of 6.1-2025: the condition is the writable module parameter disable_idle_d3, read again by
    // the unwind. The condition itself is reported on the declaration; each exit is judged only for what is wrong
    // whatever the parameter reads: the success exits (with or without the reference) are not, the failing exit still
    // holding the reference is, and so is the put the second read allows without the get.
    [Fact]
    public Task ConditionOnAWritableGlobalIsReportedAndJudgedForEveryValue() => CheckFile("""
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        static class ModuleParams
        {
            public static bool DisableIdleD3;
        }

        static class Core
        {
            [AcquiresPmReference("pdev", OnSuccess = true, Unless = "ModuleParams.DisableIdleD3")]
            public static int {|VPM0011:Enable|}(PciDevice pdev, bool enableFails)
            {
                int ret = 0;

                if (!ModuleParams.DisableIdleD3)
                {
                    ret = pdev.Power.ResumeAndGet();
                    if (ret < 0)
                        return ret;
                }

                if (enableFails)
                {
                    ret = -Errno.EIO;
                    goto out_power;
                }

                return 0;

            out_power:
                if (!ModuleParams.DisableIdleD3)
                    {|VPM0002:pdev.Power.Put()|};
                {|VPM0011:return ret;|}
            }
        }
        """);

    [Fact]
    public Task WhenMustNameAFixedFlagAndStandAlone() => Check("""
        // A settable property can change between the get and the put: malformed, on the declaration.
        [ReleasesPmReference(nameof(Dev), When = nameof(Mutable))]
        void {|VPM0011:PutIfMutable|}()
        {
            if (Mutable)
                Dev.Power.Put();
        }

        // One condition per attribute: "When = \"!Flag\"" says the other sense.
        [ReleasesPmReference(nameof(Dev), When = nameof(DriverHasPmOps), Unless = nameof(DriverHasPmOps))]
        void {|VPM0011:Both|}()
        {
            if (DriverHasPmOps)
                Dev.Power.Put();
        }

        // The negated form is an Unless: releases only without PM ops.
        [ReleasesPmReference(nameof(Dev), When = "!DriverHasPmOps")]
        void PutWithoutPmOps()
        {
            if (!DriverHasPmOps)
                Dev.Power.Put();
        }
        """);
}
