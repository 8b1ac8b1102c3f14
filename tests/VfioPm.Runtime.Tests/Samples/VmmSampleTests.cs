using System;
using System.IO;
using System.Linq;
using VfioPm.Samples.Vmm;

namespace VfioPm.Runtime.Tests.Samples;

/// <summary>The README's main command, run in-process: its closing table must tell the seed-004 story.</summary>
public sealed class VmmSampleTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "vfiopm-vmm-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Theory]
    [InlineData(true, "D3cold")]
    [InlineData(false, "D3hot")]
    public void HypervisorScenarioEndsCleanAndShowsTheDeepestState(bool platformD3Cold, string deepest)
    {
        var output = new StringWriter();
        var exit = new HypervisorScenario(platformD3Cold, disableIdleD3: false, quiet: true, output).Run();
        var text = output.ToString();

        Assert.Equal(0, exit);
        Assert.Contains("No device was touched outside D0", text, StringComparison.Ordinal);
        AssertRow(text, "unused, bound to vfio-pci", deepest, deepest, 0, "no");
        AssertRow(text, "guest running", "D0", "D0", 1, "no");
        AssertRow(text, "guest powered the GPU off", deepest, deepest, 0, "yes");
        // lspci wakes a D3cold device (one-shot wake ends low power) but reads a D3hot one without resuming it.
        if (platformD3Cold)
        {
            AssertRow(text, "after the host's lspci", "D0", "D0", 1, "no");
            Assert.Contains("wake eventfd signalled (count 1)", text, StringComparison.Ordinal);
        }
        else
        {
            AssertRow(text, "after the host's lspci", "D3hot", "D3hot", 0, "yes");
            Assert.Contains("wake eventfd not signalled", text, StringComparison.Ordinal);
        }

        AssertRow(text, "VM shut down", deepest, deepest, 0, "no");
    }

    [Fact]
    public void DisableIdleD3KeepsTheUnusedDeviceInD0()
    {
        var output = new StringWriter();
        Assert.Equal(0, new HypervisorScenario(platformD3Cold: true, disableIdleD3: true, quiet: true, output).Run());
        // The probe reference is never dropped, so the device and its port stay up while unused.
        AssertRow(output.ToString(), "unused, bound to vfio-pci", "D0", "D0", 1, "no");
        AssertRow(output.ToString(), "VM shut down", "D0", "D0", 1, "no");
    }

    [Fact]
    public void HostCommandReadsAFakeSysfsTreeAndReportsMissingAttributes()
    {
        var device = Path.Combine(_temp, "devices", "pci0000:00", "0000:00:1c.0", "0000:01:00.0");
        Directory.CreateDirectory(Path.Combine(device, "power"));
        File.WriteAllText(Path.Combine(device, "vendor"), "0x10de\n");
        File.WriteAllText(Path.Combine(device, "class"), "0x030000\n");
        File.WriteAllText(Path.Combine(device, "power_state"), "D3cold\n");
        File.WriteAllText(Path.Combine(device, "power", "runtime_status"), "suspended\n");
        File.WriteAllText(Path.Combine(device, "power", "control"), "auto\n");
        File.WriteAllText(Path.Combine(device, "power", "runtime_usage"), "zero\n");
        var bus = Path.Combine(_temp, "bus", "pci", "devices");
        Directory.CreateDirectory(bus);
        File.CreateSymbolicLink(Path.Combine(bus, "0000:01:00.0"), device);

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, HostCommand.Run(_temp, null, output, error));
        var text = output.ToString();

        var row = text.Split('\n').Single(l => l.StartsWith("0000:01:00.0", StringComparison.Ordinal));
        Assert.Contains("D3cold", row, StringComparison.Ordinal);
        Assert.Contains("suspended", row, StringComparison.Ordinal);
        Assert.Contains("auto", row, StringComparison.Ordinal);
        Assert.Contains("problem(s) while reading", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("runtime_usage", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HostCommandNeverFailsOnThisMachine()
    {
        // A machine (or container) without a PCI bus is an error now, not an empty listing.
        var output = new StringWriter();
        var exit = HostCommand.Run("/sys", null, output, new StringWriter());
        if (Directory.Exists("/sys/bus/pci/devices") && Directory.EnumerateFileSystemEntries("/sys/bus/pci/devices").Any())
        {
            Assert.Equal(0, exit);
            Assert.StartsWith("PCI devices under /sys/bus/pci/devices:", output.ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1, exit);
        }
    }

    private static void AssertRow(string text, string phase, string gpu, string port, int usage, string engaged)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.TrimStart().StartsWith(phase, StringComparison.Ordinal)
            && !l.Contains('▶', StringComparison.Ordinal));
        Assert.True(line is not null, $"no table row '{phase}' in:\n{text}");
        var cells = line![(line.IndexOf(phase, StringComparison.Ordinal) + phase.Length)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { gpu, port, usage.ToString(System.Globalization.CultureInfo.InvariantCulture), engaged }, cells);
    }
}
