using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Samples.Vmm;

/// <summary>
/// A VMM with a passthrough GPU below a root port. The guest's ACPI power resource for the GPU (<c>_PR3</c>) is
/// mapped onto vfio-pci's low-power features: <c>_OFF</c> → LOW_POWER_ENTRY_WITH_WAKEUP, <c>_ON</c> → LOW_POWER_EXIT.
/// A host <c>lspci</c> wakes the device (from D3cold only), the wake eventfd tells the VMM, and the VMM tells the guest.
/// </summary>
internal sealed class HypervisorScenario
{
    private const string PortBdf = "0000:00:1c.0";
    private const string GpuBdf = "0000:01:00.0";

    private readonly bool _platformD3Cold;
    private readonly bool _disableIdleD3;
    private readonly bool _quiet;
    private readonly TextWriter _out;
    private readonly List<(string Phase, string Gpu, string Port, int Usage, string Engaged)> _rows = new();
    private SimulatedPlatform _platform = null!;
    private int _printed;
    private int _steps;

    public HypervisorScenario(bool platformD3Cold, bool disableIdleD3, bool quiet, TextWriter output)
    {
        _platformD3Cold = platformD3Cold;
        _disableIdleD3 = disableIdleD3;
        _quiet = quiet;
        _out = output;
    }

    /// <summary>Files to write besides the text (timeline, traces); <see langword="null"/> for none.</summary>
    public TraceOutputs? Outputs { get; init; }

    public int Run()
    {
        _platform = new SimulatedPlatform();
        Outputs?.Start(_platform);
        var port = _platform.AddRootPort(PortBdf, platformD3Cold: _platformD3Cold);
        var gpu = _platform.AddEndpoint(port, GpuBdf, new PciFunctionSpec { ClassCode = 0x030000, PlatformD3Cold = _platformD3Cold });
        var driver = new VfioPciDriver(new VfioPciOptions { DisableIdleD3 = _disableIdleD3 });

        _out.WriteLine("VfioPm VMM — guest power management of a passthrough GPU (simulated platform, deterministic clock)");
        _out.WriteLine($"  platform D3cold: {(_platformD3Cold ? "yes (slot and root port have _PR3)" : "no (D3hot is the deepest state)")}; disable_idle_d3: {(_disableIdleD3 ? "on" : "off")}");

        Step(_disableIdleD3
            ? "host boots; vfio-pci binds the GPU and keeps the unused device in D0 (disable_idle_d3)"
            : "host boots; vfio-pci binds the GPU and lets the unused device idle", () =>
        {
            gpu.Bind(driver);
            _platform.Settle(TimeSpan.FromMilliseconds(300));
        });
        var vdev = driver.GetDevice(gpu)!;
        Row("unused, bound to vfio-pci", gpu, port, vdev);

        var fds = new FileDescriptorTable();
        var wake = new EventFd();
        var wakeFd = fds.Install(wake);
        wake.Signaled += (_, _) => _platform.Mark(TimelineKind.Wakeup, gpu, $"wake eventfd {wakeFd} signalled");
        VfioDeviceFile file = null!;
        VfioMmap? bar0 = null;
        Step("the VMM starts and opens the device (the open reference resumes it and its port)", () =>
        {
            file = vdev.Open(fds);
            _platform.Settle(TimeSpan.FromMilliseconds(50));
        });
        Step("the guest driver enables memory decoding and uses BAR0 through the VMM's mapping", () =>
        {
            Span<byte> command = stackalloc byte[] { (byte)PciRegs.CommandMemory, 0 };
            file.Write(command, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX) + PciRegs.Command);
            file.Mmap(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX, out bar0);
            Say($"BAR0 store through the mapping: {bar0!.Write(0, Encoding.ASCII.GetBytes("guest"))}");
        });
        Row("guest running", gpu, port, vdev);

        Step($"guest _PR3 _OFF → VFIO_DEVICE_FEATURE(SET | LOW_POWER_ENTRY_WITH_WAKEUP, eventfd {wakeFd})", () =>
        {
            var request = VfioFeatureRequest.BuildLowPowerEntryWithWakeup(wakeFd);
            Say($"ioctl = {Errno.Describe(Feature(file, gpu, request, "LOW_POWER_ENTRY_WITH_WAKEUP"))}");
            _platform.Settle(TimeSpan.FromMilliseconds(300));
        });
        Row("guest powered the GPU off", gpu, port, vdev);

        Step("the VMM touches its (zapped) BAR0 mapping while the guest has the GPU off", () =>
        {
            Span<byte> probe = stackalloc byte[4];
            Say($"BAR0 load through the mapping: {bar0!.Read(0, probe)} (mmap access never resumes the device)");
        });

        Step("the host administrator runs lspci -xxx on the GPU", () =>
        {
            Span<byte> header = stackalloc byte[4];
            _platform.HostConfigRead(gpu, 0, header);
            _platform.Settle(TimeSpan.FromMilliseconds(300));
            Say(wake.Count > 0
                ? $"wake eventfd signalled (count {wake.Count}): the device was powered off, so lspci resumed it and low power ended (one shot)"
                : "wake eventfd not signalled: config space answers in D3hot, so lspci did not resume the device");
        });
        Row("after the host's lspci", gpu, port, vdev);

        Step("the VMM reads the eventfd, notifies the guest; the guest runs _PR3 _ON → LOW_POWER_EXIT", () =>
        {
            if (wake.Read(out var n) == 0)
            {
                Say($"VMM: wake-up ({n}) forwarded to the guest as a device-check notification");
            }

            var exit = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);
            Say($"ioctl = {Errno.Describe(Feature(file, gpu, exit, "LOW_POWER_EXIT"))} (a no-op if the wake-up already ended low power)");
            if (wake.Read(out var late) == 0)
            {
                Say($"wake eventfd signalled ({late}) by EXIT itself: the ioctl's resume found the device really suspended");
            }

            _platform.Settle(TimeSpan.FromMilliseconds(300));
            Span<byte> probe = stackalloc byte[4];
            Say($"BAR0 load through the mapping: {bar0!.Read(0, probe)}");
        });
        Row("guest powered the GPU on", gpu, port, vdev);

        Step("the guest powers the GPU off again, then the VM shuts down (close)", () =>
        {
            Say($"ioctl = {Errno.Describe(Feature(file, gpu, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(wakeFd), "LOW_POWER_ENTRY_WITH_WAKEUP"))}");
            _platform.Settle(TimeSpan.FromMilliseconds(300));
            file.Close();
            _platform.Settle(TimeSpan.FromMilliseconds(300));
            Say($"wake eventfd count after close: {wake.Count} (close exits low power without a notification)");
        });
        Row("VM shut down", gpu, port, vdev);

        PrintTable();
        var fatal = _platform.FatalAccesses;
        _out.WriteLine();
        _out.WriteLine(fatal.Count == 0
            ? "No device was touched outside D0 (no fatal access)."
            : $"{fatal.Count} FATAL ACCESS(ES): {string.Join("; ", fatal)}");
        if (Outputs is not null && !Outputs.Finish(_out))
        {
            return 2;
        }

        return fatal.Count == 0 ? 0 : 1;
    }

    private void Step(string title, Action action)
    {
        _out.WriteLine();
        _out.WriteLine($"▶ {title}");
        _platform.Note(title);
        action();
        Flush();
        Outputs?.Progress(++_steps, title);
    }

    // VFIO_DEVICE_FEATURE(SET | feature), marked on the timeline as the VMM's ioctl (the device cannot see it).
    private int Feature(VfioDeviceFile file, PciDevice gpu, byte[] request, string feature)
    {
        var result = file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, request);
        _platform.Mark(TimelineKind.Ioctl, gpu, $"{feature}: VFIO_DEVICE_FEATURE(SET | {feature}) = {Errno.Describe(result)}");
        return result;
    }

    private void Flush()
    {
        var timeline = _platform.Timeline;
        for (; _printed < timeline.Count; _printed++)
        {
            var e = timeline[_printed];
            if (!_quiet && e.Kind != TimelineKind.Note)
            {
                _out.WriteLine($"  {e.Time.TotalMilliseconds,8:0.0} ms  {Label(e.Kind),-9} {e.Device,-13} {e.Detail}");
            }
        }
    }

    private void Say(string text)
    {
        Flush();
        _out.WriteLine($"  · {text}");
    }

    private void Row(string phase, PciDevice gpu, PciDevice port, VfioPciCoreDevice vdev) =>
        _rows.Add((phase, gpu.CurrentState.ToString(), port.CurrentState.ToString(), gpu.Power.UsageCount, vdev.PmRuntimeEngaged ? "yes" : "no"));

    private void PrintTable()
    {
        _out.WriteLine();
        _out.WriteLine($"  {"phase",-28} {"GPU " + GpuBdf,-19} {"port " + PortBdf,-19} {"usage",5}  {"low power",9}");
        foreach (var (phase, g, p, usage, engaged) in _rows)
        {
            _out.WriteLine($"  {phase,-28} {g,-19} {p,-19} {usage,5}  {engaged,9}");
        }
    }

    private static string Label(TimelineKind kind) => kind switch
    {
        TimelineKind.RuntimePm => "rpm",
        TimelineKind.PciState => "pci",
        TimelineKind.PlatformPower => "acpi",
        TimelineKind.Host => "host",
        TimelineKind.Fault => "FAULT",
        TimelineKind.FatalAccess => "FATAL",
        TimelineKind.Ioctl => "ioctl",
        TimelineKind.Wakeup => "wake",
        _ => "note",
    };
}
