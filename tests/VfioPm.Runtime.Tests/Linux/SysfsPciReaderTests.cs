using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VfioPm.Runtime.Linux;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.Linux;

public sealed class SysfsPciReaderTests : IDisposable
{
    private const string Bridge = "0000:00:1c.0";
    private const string Gpu = "0000:01:00.0";
    private const string NoPower = "0000:00:02.0";
    private const string Garbled = "0000:00:1f.0";
    private const string ErrorState = "0000:00:14.0";
    private const string Unreadable = "0000:00:16.0";

    private readonly string _temp;
    private readonly string _sys;
    private readonly string _unreadableVendor;

    public SysfsPciReaderTests()
    {
        _temp = Path.Combine(Path.GetTempPath(), "vfiopm-sysfs-" + Guid.NewGuid().ToString("N"));
        _sys = Path.Combine(_temp, "sys");
        Directory.CreateDirectory(Path.Combine(_sys, "bus", "pci", "drivers", "pcieport"));
        Directory.CreateDirectory(Path.Combine(_sys, "bus", "pci", "drivers", "vfio-pci"));

        // A root port with a GPU behind it, both runtime suspended into D3cold.
        string bridge = AddDevice("pci0000:00/" + Bridge, Bridge);
        Write(bridge, "vendor", "0x8086");
        Write(bridge, "device", "0xa110");
        Write(bridge, "class", "0x060400");
        Write(bridge, "power_state", "D3cold");
        Write(bridge, "d3cold_allowed", "1");
        Write(bridge, "power/runtime_status", "suspended");
        Write(bridge, "power/control", "auto");
        Write(bridge, "power/runtime_usage", "0");
        Write(bridge, "power/runtime_active_kids", "0");
        Link(bridge, "driver", "../../../bus/pci/drivers/pcieport");

        string gpu = AddDevice("pci0000:00/" + Bridge + "/" + Gpu, Gpu);
        Write(gpu, "vendor", "0x10de");
        Write(gpu, "device", "0x1eb8");
        Write(gpu, "class", "0x030200");
        Write(gpu, "power_state", "D3cold");
        Write(gpu, "d3cold_allowed", "1");
        Write(gpu, "power/runtime_status", "suspended");
        Write(gpu, "power/control", "auto");
        Write(gpu, "power/runtime_usage", "0");
        Write(gpu, "power/runtime_active_kids", "0");
        Link(gpu, "driver", "../../../../bus/pci/drivers/vfio-pci");

        // No power/ directory, no d3cold_allowed, no driver.
        string noPower = AddDevice("pci0000:00/" + NoPower, NoPower);
        Write(noPower, "vendor", "0x8086");
        Write(noPower, "device", "0x3e92");
        Write(noPower, "class", "0x030000");
        Write(noPower, "power_state", "D0");

        // Text the kernel would never print.
        string garbled = AddDevice("pci0000:00/" + Garbled, Garbled);
        Write(garbled, "vendor", "0x8086");
        Write(garbled, "device", "0xa30e");
        Write(garbled, "class", "0xZZ");
        Write(garbled, "power_state", "D9");
        Write(garbled, "d3cold_allowed", "maybe");
        Write(garbled, "power/runtime_status", "unsupported");
        Write(garbled, "power/control", "on");
        Write(garbled, "power/runtime_usage", "many");
        Write(garbled, "power/runtime_active_kids", "1");

        // PCI_POWER_ERROR and a latched runtime error; a driver entry that is not a link.
        string error = AddDevice("pci0000:00/" + ErrorState, ErrorState);
        Write(error, "vendor", "0x8086");
        Write(error, "device", "0xa36d");
        Write(error, "class", "0x0c0330");
        Write(error, "power_state", "error");
        Write(error, "power/runtime_status", "error");
        Write(error, "power/control", "sometimes");
        Write(error, "driver", "xhci_hcd");

        // An unreadable vendor (only effective when not root) and a "class" that is a directory (always unreadable).
        string unreadable = AddDevice("pci0000:00/" + Unreadable, Unreadable);
        Write(unreadable, "vendor", "0x8086");
        Write(unreadable, "device", "0xa360");
        Directory.CreateDirectory(Path.Combine(unreadable, "class"));
        Write(unreadable, "power_state", "D0");
        Write(unreadable, "power/runtime_status", "active");
        _unreadableVendor = Path.Combine(unreadable, "vendor");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_unreadableVendor, UnixFileMode.None);
        }

        // Bus entries that do not lead to a device.
        string busDevices = Path.Combine(_sys, "bus", "pci", "devices");
        Directory.CreateSymbolicLink(Path.Combine(busDevices, "0000:00:1e.0"), "../../../devices/pci0000:00/0000:00:1e.0");
        File.WriteAllText(Path.Combine(busDevices, "README"), "not a device");
    }

    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_unreadableVendor, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public void ReadsEveryDeviceSortedByName()
    {
        var devices = new SysfsPciReader(_sys).ReadDevices(out _);
        Assert.Equal(new[] { NoPower, ErrorState, Unreadable, Bridge, Garbled, Gpu }, devices.Select(d => d.Bdf));
    }

    [Fact]
    public void BridgeAndChild()
    {
        var devices = new SysfsPciReader(_sys).ReadDevices(out var problems);
        SysfsPciDevice bridge = devices.Single(d => d.Bdf == Bridge);
        SysfsPciDevice gpu = devices.Single(d => d.Bdf == Gpu);

        Assert.Equal((ushort)0x8086, bridge.VendorId);
        Assert.Equal((ushort)0xa110, bridge.DeviceId);
        Assert.Equal(0x060400u, bridge.ClassCode);
        Assert.True(bridge.IsBridge);
        Assert.Equal(PciPowerState.D3cold, bridge.PowerState);
        Assert.Equal("D3cold", bridge.PowerStateText);
        Assert.Equal(RpmStatus.Suspended, bridge.RuntimeStatus);
        Assert.Equal("suspended", bridge.RuntimeStatusText);
        Assert.Equal("auto", bridge.Control);
        Assert.Equal(0, bridge.RuntimeUsage);
        Assert.Equal(0, bridge.RuntimeActiveKids);
        Assert.True(bridge.D3ColdAllowed);
        Assert.Equal("pcieport", bridge.Driver);
        Assert.Null(bridge.ParentBdf); // its parent directory is the host bridge pci0000:00
        Assert.EndsWith(Path.Combine("sys", "devices", "pci0000:00", Bridge), bridge.SysfsPath);

        Assert.Equal((ushort)0x10de, gpu.VendorId);
        Assert.Equal((ushort)0x1eb8, gpu.DeviceId);
        Assert.Equal(0x030200u, gpu.ClassCode);
        Assert.False(gpu.IsBridge);
        Assert.Equal(PciPowerState.D3cold, gpu.PowerState);
        Assert.Equal(RpmStatus.Suspended, gpu.RuntimeStatus);
        Assert.Equal("vfio-pci", gpu.Driver);
        Assert.Equal(Bridge, gpu.ParentBdf);
        Assert.EndsWith(Path.Combine(Bridge, Gpu), gpu.SysfsPath);

        Assert.DoesNotContain(problems, p => p.Contains(Bridge + "/", StringComparison.Ordinal) && !p.Contains(Gpu, StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains(Gpu, StringComparison.Ordinal));
    }

    [Fact]
    public void MissingAttributesAreNullAndNotProblems()
    {
        var devices = new SysfsPciReader(_sys).ReadDevices(out var problems);
        SysfsPciDevice d = devices.Single(x => x.Bdf == NoPower);
        Assert.Equal(0x030000u, d.ClassCode);
        Assert.Equal(PciPowerState.D0, d.PowerState);
        Assert.Null(d.RuntimeStatus);
        Assert.Null(d.RuntimeStatusText);
        Assert.Null(d.Control);
        Assert.Null(d.RuntimeUsage);
        Assert.Null(d.RuntimeActiveKids);
        Assert.Null(d.D3ColdAllowed);
        Assert.Null(d.Driver);
        Assert.Null(d.ParentBdf);
        Assert.DoesNotContain(problems, p => p.Contains(NoPower, StringComparison.Ordinal));
    }

    [Fact]
    public void UnparsableValuesAreNullAndReported()
    {
        var devices = new SysfsPciReader(_sys).ReadDevices(out var problems);
        SysfsPciDevice d = devices.Single(x => x.Bdf == Garbled);
        Assert.Equal((ushort)0x8086, d.VendorId);
        Assert.Null(d.ClassCode);
        Assert.Null(d.PowerState);
        Assert.Equal("D9", d.PowerStateText);
        Assert.Null(d.D3ColdAllowed);
        Assert.Null(d.RuntimeUsage);
        Assert.Equal(1, d.RuntimeActiveKids);

        // "unsupported" is a real reading (runtime PM disabled), not a problem.
        Assert.Null(d.RuntimeStatus);
        Assert.Equal("unsupported", d.RuntimeStatusText);
        Assert.Equal("on", d.Control);

        string dir = d.SysfsPath;
        AssertProblem(problems, Path.Combine(dir, "class"), "0xZZ");
        AssertProblem(problems, Path.Combine(dir, "power_state"), "D9");
        AssertProblem(problems, Path.Combine(dir, "d3cold_allowed"), "maybe");
        AssertProblem(problems, Path.Combine(dir, "power", "runtime_usage"), "many");
        Assert.DoesNotContain(problems, p => p.StartsWith(Path.Combine(dir, "power", "runtime_status"), StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.StartsWith(Path.Combine(dir, "power", "control"), StringComparison.Ordinal));
    }

    [Fact]
    public void ErrorReadingsAndNonLinkDriver()
    {
        var devices = new SysfsPciReader(_sys).ReadDevices(out var problems);
        SysfsPciDevice d = devices.Single(x => x.Bdf == ErrorState);
        Assert.Null(d.PowerState);
        Assert.Equal("error", d.PowerStateText);
        Assert.Null(d.RuntimeStatus);
        Assert.Equal("error", d.RuntimeStatusText);
        Assert.Null(d.Control);
        Assert.Null(d.Driver);

        string dir = d.SysfsPath;
        AssertProblem(problems, Path.Combine(dir, "power_state"), "error");
        AssertProblem(problems, Path.Combine(dir, "power", "control"), "sometimes");
        AssertProblem(problems, Path.Combine(dir, "driver"), "not a symbolic link");
        Assert.DoesNotContain(problems, p => p.StartsWith(Path.Combine(dir, "power", "runtime_status"), StringComparison.Ordinal));
    }

    [Fact]
    public void UnreadableFilesAreReported()
    {
        var devices = new SysfsPciReader(_sys).ReadDevices(out var problems);
        SysfsPciDevice d = devices.Single(x => x.Bdf == Unreadable);
        Assert.Equal((ushort)0xa360, d.DeviceId);
        Assert.Null(d.ClassCode);
        Assert.Equal(RpmStatus.Active, d.RuntimeStatus);
        AssertProblem(problems, Path.Combine(d.SysfsPath, "class"), "a directory, not an attribute file");
        Assert.Contains("class", d.Unreadable);

        // chmod 000 does not stop root; only check the vendor file when the mode really makes it unreadable.
        if (!CanRead(_unreadableVendor))
        {
            Assert.Null(d.VendorId);
            AssertProblem(problems, Path.Combine(d.SysfsPath, "vendor"), "permission denied");
        }
        else
        {
            Assert.Equal((ushort)0x8086, d.VendorId);
        }
    }

    [Fact]
    public void BadBusEntriesAreReportedAndSkipped()
    {
        var devices = new SysfsPciReader(_sys).ReadDevices(out var problems);
        Assert.DoesNotContain(devices, d => d.Bdf == "0000:00:1e.0");
        Assert.Contains(problems, p => p.Contains("0000:00:1e.0", StringComparison.Ordinal) && p.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("README", StringComparison.Ordinal) && p.Contains("not a PCI device name", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingRootGivesNoDevicesAndOneProblem()
    {
        var devices = new SysfsPciReader(Path.Combine(_temp, "nowhere")).ReadDevices(out var problems);
        Assert.Empty(devices);
        Assert.Single(problems);
        Assert.Contains("not found", problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultRootIsSys()
    {
        Assert.Equal("/sys", new SysfsPciReader().Root);
        Assert.Equal("/sys", new SysfsPciReader("").Root);
    }

    [Fact]
    public void TableIsAlignedInTreeOrderWithDashesForAbsentAndQuestionMarksForUnreadable()
    {
        var devices = new SysfsPciReader(_sys).ReadDevices(out _);
        string table = SysfsPciTable.Format(devices);
        string[] lines = table.TrimEnd('\n').Split('\n');
        Assert.Equal(devices.Count + 1, lines.Length);
        var header = Tokens(lines[0]).ToArray();
        Assert.Equal(
            new[] { "BDF", "ID", "CLASS", "DRIVER", "POWER", "RUNTIME", "CONTROL", "AUTOSUSPEND", "ACTIVE_MS", "SUSPENDED_MS", "WAKEUP", "D3COLD", "USAGE", "KIDS" },
            header.Select(t => t.Text));

        // Every column starts after two blanks in every row (cells may hold words with spaces, such as class names).
        foreach (string line in lines.Skip(1))
        {
            foreach (var (start, _) in header.Skip(1))
            {
                Assert.True(line.Length > start && line[start - 1] == ' ' && line[start - 2] == ' ' && line[start] != ' ', $"column at {start} in '{line}'");
            }
        }

        string Row(string bdf) => lines.Single(l => l.TrimStart().StartsWith(bdf, StringComparison.Ordinal));
        string[] Cells(string line) => header
            .Select((t, i) => (i + 1 < header.Length ? line[t.Start..header[i + 1].Start] : line[t.Start..]).Trim())
            .ToArray();

        Assert.Equal(
            new[] { NoPower, "8086:3e92", "VGA compatible controller", "-", "D0", "-", "-", "-", "-", "-", "-", "-", "-", "-" },
            Cells(Row(NoPower)));
        Assert.Equal(
            new[] { Gpu, "10de:1eb8", "3D controller", "vfio-pci", "D3cold", "suspended", "auto", "-", "-", "-", "-", "yes", "0", "0" },
            Cells(Row(Gpu)));
        var garbled = Cells(Row(Garbled));
        Assert.Equal(("?", "?", "unsupported", "?", "?"), (garbled[2], garbled[4], garbled[5], garbled[11], garbled[12]));
        Assert.DoesNotContain("D9", Row(Garbled), StringComparison.Ordinal);

        // The GPU sits below its root port, indented one level.
        int bridge = Array.FindIndex(lines, l => l.StartsWith(Bridge, StringComparison.Ordinal));
        Assert.StartsWith("  " + Gpu, lines[bridge + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void TableOfNothingIsTheHeaderWithoutTheDebugColumns()
    {
        string table = SysfsPciTable.Format(Array.Empty<SysfsPciDevice>());
        Assert.StartsWith("BDF  ID  CLASS  DRIVER", table, StringComparison.Ordinal);
        Assert.DoesNotContain("USAGE", table, StringComparison.Ordinal);
        Assert.Single(table.TrimEnd('\n').Split('\n'));
        Assert.Contains(SysfsPciTable.Legend(Array.Empty<SysfsPciDevice>()), l => l.Contains("left out", StringComparison.Ordinal));
    }

    [Fact]
    public void RealSysfsDoesNotThrow()
    {
        var reader = new SysfsPciReader();
        IReadOnlyList<SysfsPciDevice> devices = reader.ReadDevices(out IReadOnlyList<string> problems);
        Assert.NotNull(problems);
        if (!Directory.Exists("/sys/bus/pci/devices"))
        {
            // No PCI bus visible (container, non-Linux): nothing to check beyond "did not throw".
            Assert.Empty(devices);
            return;
        }

        var bdf = new Regex("^[0-9a-f]{4,}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7]$");
        int listed = Directory.EnumerateFileSystemEntries("/sys/bus/pci/devices")
            .Count(e => bdf.IsMatch(Path.GetFileName(e)));
        Assert.Equal(listed, devices.Count);
        Assert.All(devices, d => Assert.Matches(bdf, d.Bdf));
        Assert.All(devices, d => Assert.True(d.ParentBdf is null || bdf.IsMatch(d.ParentBdf)));
        Assert.Equal(devices.Count, devices.Select(d => d.Bdf).Distinct().Count());
        Assert.NotNull(SysfsPciTable.Format(devices));
    }

    private static void AssertProblem(IReadOnlyList<string> problems, string path, string fragment) =>
        Assert.Contains(problems, p => p.StartsWith(path + ":", StringComparison.Ordinal) && p.Contains(fragment, StringComparison.Ordinal));

    private static bool CanRead(string path)
    {
        try
        {
            File.ReadAllBytes(path);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IEnumerable<(int Start, string Text)> Tokens(string line)
    {
        foreach (Match m in Regex.Matches(line, "\\S+"))
        {
            yield return (m.Index, m.Value);
        }
    }

    // Creates sys/devices/<relative> and its sys/bus/pci/devices/<bdf> symlink (relative, as the kernel makes it).
    private string AddDevice(string relative, string bdf)
    {
        string dir = Path.Combine(_sys, "devices", relative);
        Directory.CreateDirectory(dir);
        string busDevices = Path.Combine(_sys, "bus", "pci", "devices");
        Directory.CreateDirectory(busDevices);
        Directory.CreateSymbolicLink(Path.Combine(busDevices, bdf), "../../../devices/" + relative);
        return dir;
    }

    private static void Write(string dir, string attribute, string text)
    {
        string path = Path.Combine(dir, attribute);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text + "\n");
    }

    private static void Link(string dir, string name, string target) =>
        File.CreateSymbolicLink(Path.Combine(dir, name), target);
}
