using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Samples.VariantDriver;

/// <summary>
/// Runs acme-vfio-pci on the simulated platform: an Acme accelerator below a root port, bound to the variant driver,
/// used through the generated <c>Ioctl</c>/<c>Read</c>/<c>Write</c> while it runtime-suspends between accesses.
/// Every step prints its result and the device's power state; the run fails if a result differs from the expected
/// one or if any access reached the device outside D0.
/// </summary>
public sealed class VariantDriverScenario
{
    private const uint Get = VfioUapi.VFIO_DEVICE_FEATURE_GET;
    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
    private const uint Probe = VfioUapi.VFIO_DEVICE_FEATURE_PROBE;
    private const ushort Thermal = AcmeVariantDevice.AcmeFeatureThermal;

    private readonly TextWriter _out;
    private readonly List<string> _mismatches = new();
    private SimulatedPlatform _platform = null!;
    private PciDevice _acme = null!;
    private int _rpmTransitions;

    /// <summary>Creates the scenario, printing to <paramref name="output"/>.</summary>
    public VariantDriverScenario(TextWriter output) => _out = output;

    /// <summary>The steps whose result differed from the expected one (empty after a good run).</summary>
    public IReadOnlyList<string> Mismatches => _mismatches;

    /// <summary>Runs the scenario.</summary>
    /// <returns>0 when every step gave the expected result and nothing touched a device outside D0, else 1.</returns>
    public int Run(bool platformD3Cold = false)
    {
        _platform = new SimulatedPlatform();
        var port = _platform.AddRootPort("0000:00:1c.0", platformD3Cold: platformD3Cold);
        _acme = _platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec
        {
            VendorId = 0x1234,
            DeviceId = 0xacce,
            ClassCode = 0x120000, // processing accelerator
            PlatformD3Cold = platformD3Cold,
        });
        _platform.Environment.Transition += t => _rpmTransitions += t.Device == _acme ? 1 : 0;
        var driver = new AcmeVariantPciDriver();

        _out.WriteLine("acme-vfio-pci — a vfio-pci variant driver written with the VfioPm generator (simulated platform)");
        Expect("bind acme-vfio-pci", 0, _acme.Bind(driver));
        Settle();
        var file = driver.GetDevice(_acme)!;
        var idle = platformD3Cold ? PciPowerState.D3cold : PciPowerState.D3hot;
        ExpectState("the unused device idles", idle);

        // VFIO_DEVICE_GET_INFO: the generated Ioctl resumes the device, the handler fills the struct, the put lets it go.
        var info = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
        Expect("ioctl(VFIO_DEVICE_GET_INFO)", 0, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
        Expect("  num_regions (9 fixed + the mailbox)", 10, (int)BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(8)));
        ExpectState("  right after the ioctl (resumed, not yet idle)", PciPowerState.D0);
        Settle();
        ExpectState("  after the put's idle request ran", idle);

        // The vendor feature: PROBE, GET, SET, and what the generated checks refuse before the handler runs.
        Expect("feature PROBE|GET|SET thermal", 0, Feature(Probe | Get | Set | Thermal, payload: 0));
        var temperature = new byte[4];
        Expect("feature GET thermal", 0, Feature(Get | Thermal, payload: 4, temperature));
        Expect("  temperature (°C)", 42, (int)BinaryPrimitives.ReadUInt32LittleEndian(temperature));
        Expect("feature SET thermal fan=3", 0, Feature(Set | Thermal, payload: 4, new byte[] { 3, 0, 0, 0 }));
        Expect("feature SET thermal with a 2-byte payload (MinArgSize 4)", -Errno.EINVAL, Feature(Set | Thermal, payload: 2));
        Expect("feature GET|SET without PROBE", -Errno.EINVAL, Feature(Get | Set | Thermal, payload: 4));
        Expect("feature with an unknown flag bit", -Errno.EINVAL, Feature((1u << 20) | Get | Thermal, payload: 4));
        Expect("feature LOW_POWER_ENTRY (not this driver's)", -Errno.ENOTTY, Feature(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, payload: 0));
        Expect("ioctl(VFIO_DEVICE_SET_IRQS) (no handler)", -Errno.ENOTTY, file.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, new byte[20]));
        Settle();

        // Regions: BAR0, config space (read-only), the device-specific mailbox.
        var fan = new byte[4];
        Expect("read BAR0 fan register", 4, file.Read(fan, VfioUapi.RegionOffset(0) + AcmeVariantDevice.FanRegister));
        Expect("  fan level", 3, (int)BinaryPrimitives.ReadUInt32LittleEndian(fan));
        var vendor = new byte[2];
        Expect("read config vendor id", 2, file.Read(vendor, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX)));
        Expect("  vendor", 0x1234, BinaryPrimitives.ReadUInt16LittleEndian(vendor));
        var message = Encoding.ASCII.GetBytes("hello, acme");
        Expect("write mailbox (region 9)", message.Length, file.Write(message, VfioUapi.RegionOffset(AcmeVariantDevice.MailboxRegion)));
        var echo = new byte[message.Length];
        Expect("read mailbox back", message.Length, file.Read(echo, VfioUapi.RegionOffset(AcmeVariantDevice.MailboxRegion)));
        Expect("  mailbox text matches", 1, Encoding.ASCII.GetString(echo) == "hello, acme" ? 1 : 0);
        Settle();
        ExpectState("idle again after the accesses", idle);

        // Refused before any PM call: the device stays asleep.
        var transitions = Transitions();
        Expect("write config space (no write handler)", -Errno.EINVAL, file.Write(new byte[] { 0 }, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX)));
        Expect("read region 12 (none)", -Errno.EINVAL, file.Read(new byte[4], VfioUapi.RegionOffset(12)));
        Expect("read of 0 bytes", 0, file.Read(Span<byte>.Empty, 0));
        Expect("  runtime-PM transitions caused by those three", 0, Transitions() - transitions);
        ExpectState("  device still asleep", idle);

        // A resume that fails reaches the user as -EIO, and the usage count is left as it was.
        var usage = _acme.Power.UsageCount;
        _platform.FailRuntimeCallback(_acme, RuntimePmCallbackKinds.Resume, -Errno.EAGAIN);
        Expect("ioctl(GET_INFO) while resume fails with -EAGAIN", -Errno.EIO, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
        Expect("  usage count unchanged", usage, _acme.Power.UsageCount);

        var fatal = _platform.FatalAccesses;
        _out.WriteLine(fatal.Count == 0
            ? "No device was touched outside D0."
            : $"{fatal.Count} access(es) reached a device outside D0: {string.Join("; ", fatal)}");
        _out.WriteLine($"Driver runtime callbacks: {driver.Suspends} suspend(s), {driver.Resumes} resume(s).");
        _out.WriteLine(_mismatches.Count == 0 ? "All steps gave the expected results." : $"{_mismatches.Count} step(s) differed.");
        return fatal.Count == 0 && _mismatches.Count == 0 ? 0 : 1;

        int Feature(uint flags, int payload, byte[]? data = null)
        {
            var buffer = new byte[VfioDeviceFeature.Size + payload];
            new VfioDeviceFeature((uint)buffer.Length, flags).Write(buffer);
            data?.AsSpan(0, Math.Min(data.Length, payload)).CopyTo(buffer.AsSpan(VfioDeviceFeature.Size));
            var rc = file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, buffer);
            if (data is not null)
            {
                buffer.AsSpan(VfioDeviceFeature.Size, Math.Min(data.Length, payload)).CopyTo(data);
            }

            return rc;
        }
    }

    private void Settle() => _platform.Settle(TimeSpan.FromMilliseconds(300));

    private int Transitions() => _rpmTransitions;

    private void Expect(string step, long expected, long actual)
    {
        var ok = expected == actual;
        if (!ok)
        {
            _mismatches.Add($"{step}: expected {Show(expected)}, got {Show(actual)}");
        }

        _out.WriteLine($"  {(ok ? "ok " : "BAD")} {step,-58} {Show(actual),8}   [{_acme.CurrentState}, usage {_acme.Power.UsageCount}]");
    }

    private void ExpectState(string step, PciPowerState expected)
    {
        var ok = _acme.CurrentState == expected;
        if (!ok)
        {
            _mismatches.Add($"{step}: expected {expected}, got {_acme.CurrentState}");
        }

        _out.WriteLine($"  {(ok ? "ok " : "BAD")} {step,-58} {_acme.CurrentState,8}   [usage {_acme.Power.UsageCount}]");
    }

    private static string Show(long value) => value < 0 ? Errno.Describe((int)value) : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
