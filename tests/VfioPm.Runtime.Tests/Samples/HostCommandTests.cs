using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using VfioPm.Runtime.Tests.TestKit;
using VfioPm.Samples.Vmm;

namespace VfioPm.Runtime.Tests.Samples;

/// <summary>
/// <c>vmm host</c> over fake sysfs trees: the listing (tree, IDs, class in words, runtime times, autosuspend, wakeup),
/// the device filter, and the errors: a missing, empty or non-sysfs tree and an unknown device exit 1 with a message on
/// stderr; special files under attribute names are shown as "?" and never block.
/// </summary>
public sealed class HostCommandTests : IDisposable
{
    private const string Port = "0000:00:1c.0";
    private const string Gpu = "0000:01:00.0";
    private const string Audio = "0000:01:00.1";
    private const string Nic = "0000:00:1f.6";

    private readonly FakeSysfs _sys = new();
    private readonly string _gpu;

    public HostCommandTests()
    {
        var port = _sys.AddDevice("pci0000:00/" + Port);
        Attributes(port, "0x8086", "0xa110", "0x060400", "D0", "active");
        _sys.Bind(port, "pcieport");
        _gpu = _sys.AddDevice("pci0000:00/" + Port + "/" + Gpu);
        Attributes(_gpu, "0x10de", "0x1eb8", "0x030200", "D3cold", "suspended");
        _sys.Write(_gpu, "power/runtime_active_time", "1200");
        _sys.Write(_gpu, "power/runtime_suspended_time", "98765");
        _sys.Write(_gpu, "power/autosuspend_delay_ms", "2500");
        _sys.Write(_gpu, "power/wakeup", "disabled");
        _sys.Write(_gpu, "d3cold_allowed", "1");
        _sys.Bind(_gpu, "vfio-pci");
        var audio = _sys.AddDevice("pci0000:00/" + Port + "/" + Audio);
        Attributes(audio, "0x10de", "0x10f8", "0x040300", "D3cold", "suspended");
        _sys.Write(audio, "power/wakeup", string.Empty);
        var nic = _sys.AddDevice("pci0000:00/" + Nic);
        Attributes(nic, "0x8086", "0x15bc", "0x020000", "D0", "active");
    }

    public void Dispose() => _sys.Dispose();

    [Fact]
    public void ListsEveryDeviceBelowItsBridgeWithIdsClassTimesAutosuspendAndWakeup()
    {
        var (exit, output, error) = Host(_sys.Root);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        var lines = output.Split('\n');
        Assert.Equal($"PCI devices under {Path.Combine(_sys.Root, "bus", "pci", "devices")}: 4, each below its upstream bridge", lines[0]);
        var rows = lines.Skip(2).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(new[] { Port, "  " + Gpu, "  " + Audio, Nic }, rows.Select(r => r[..(r.TakeWhile(c => c == ' ').Count() + 12)]));
        Assert.Equal(
            new[] { Gpu, "10de:1eb8", "3D", "controller", "vfio-pci", "D3cold", "suspended", "auto", "2500", "ms", "1200", "98765", "disabled", "yes" },
            rows[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Audio device", rows[2], StringComparison.Ordinal);
        Assert.Contains("n/a", rows[2], StringComparison.Ordinal);   // empty wakeup: cannot wake the system
        Assert.Contains("PCI bridge", rows[0], StringComparison.Ordinal);
        Assert.Contains("Ethernet controller", rows[3], StringComparison.Ordinal);

        // No device has the debug-only attributes: no empty USAGE/KIDS columns, and the legend says why.
        Assert.DoesNotContain("USAGE", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("CONFIG_PM_ADVANCED_DEBUG", StringComparison.Ordinal) && l.Contains("left out", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Gpu)]
    [InlineData("01:00.0")]
    [InlineData("0000:01:00.0 ")]
    public void DeviceFilterShowsTheDeviceBelowItsBridgesOnly(string address)
    {
        var (exit, output, _) = Host(_sys.Root, address);

        Assert.Equal(0, exit);
        Assert.StartsWith($"PCI device {Gpu} under", output, StringComparison.Ordinal);
        Assert.Contains(Port, output, StringComparison.Ordinal);
        Assert.Contains("  " + Gpu, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Audio, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Nic, output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDeviceIsAnError()
    {
        var (exit, output, error) = Host(_sys.Root, "0000:09:00.0");
        Assert.Equal((1, string.Empty), (exit, output));
        Assert.Contains("no PCI device 0000:09:00.0", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("0000:01:20.0")]  // device 0x20 > 31
    [InlineData("0000:01:00.8")]  // function 8 > 7
    public void MalformedAddressIsAUsageError(string address)
    {
        var (exit, output, error) = Host(_sys.Root, address);
        Assert.Equal((2, string.Empty), (exit, output));
        Assert.Contains("is not a PCI address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingEmptyAndNonSysfsTreesAreErrors()
    {
        var missing = Host(Path.Combine(_sys.Root, "nowhere"));
        Assert.Equal(1, missing.Exit);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);

        var notSysfs = Host(Path.Combine(_sys.Root, "devices"));
        Assert.Equal(1, notSysfs.Exit);
        Assert.Contains("is not a sysfs tree", notSysfs.Error, StringComparison.Ordinal);

        using var empty = new FakeSysfs();
        var none = Host(empty.Root);
        Assert.Equal(1, none.Exit);
        Assert.Contains("no PCI device could be read", none.Error, StringComparison.Ordinal);
        Assert.All(new[] { missing, notSysfs, none }, r => Assert.Equal(string.Empty, r.Output));
    }

    [Fact]
    public void TrailingSlashGivesNoDoubledSlashes()
    {
        var (exit, output, _) = Host(_sys.Root + "/");
        Assert.Equal(0, exit);
        Assert.DoesNotContain("//", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecialAndUnparsableAttributesShowAsUnreadableWithoutBlocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        File.Delete(Path.Combine(_gpu, "power_state"));
        _sys.Fifo(_gpu, "power_state");
        Directory.CreateDirectory(Path.Combine(_gpu, "power", "runtime_usage"));   // the only debug attribute: a directory
        File.WriteAllBytes(Path.Combine(_gpu, "vendor"), new byte[] { 0x00, 0xFF, 0x10, 0xDE });
        _sys.Write(_gpu, "power/runtime_status", "sleeping");

        // (WaitAsync throws TimeoutException if vmm host blocks on the FIFO.)
        var (exit, output, error) = await Task.Run(() => Host(_sys.Root, Gpu)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        var row = output.Split('\n').Single(l => l.TrimStart().StartsWith(Gpu, StringComparison.Ordinal));
        var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(("?:1eb8", "?", "?"), (cells[1], cells[5], cells[6]));   // ID, POWER, RUNTIME
        Assert.Equal("?", cells[^2]);                                          // USAGE (a directory); KIDS absent
        Assert.Equal("-", cells[^1]);
        Assert.DoesNotContain("sleeping", output, StringComparison.Ordinal);
        Assert.Contains("FIFO", error, StringComparison.Ordinal);
        Assert.Contains("a directory, not an attribute file", error, StringComparison.Ordinal);
        Assert.Contains("not text", error, StringComparison.Ordinal);
        Assert.Contains("\"sleeping\"", error, StringComparison.Ordinal);
    }

    private static (int Exit, string Output, string Error) Host(string root, string? device = null)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = HostCommand.Run(root, device, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private void Attributes(string dir, string vendor, string device, string classCode, string powerState, string runtimeStatus)
    {
        _sys.Write(dir, "vendor", vendor);
        _sys.Write(dir, "device", device);
        _sys.Write(dir, "class", classCode);
        _sys.Write(dir, "power_state", powerState);
        _sys.Write(dir, "power/runtime_status", runtimeStatus);
        _sys.Write(dir, "power/control", "auto");
    }
}
