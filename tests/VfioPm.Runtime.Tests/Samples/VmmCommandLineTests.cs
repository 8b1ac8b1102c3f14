using System;
using System.IO;
using System.Linq;
using VfioPm.Runtime.Tests.TestKit;
using VfioPm.Samples.Vmm;

namespace VfioPm.Runtime.Tests.Samples;

/// <summary>
/// The <c>vmm</c> command line, run in-process: help texts that state defaults and match the output, usage errors on
/// stderr with exit 2 (1 is the scenario's fatal access), on/off switches, and root options refused on <c>host</c>.
/// </summary>
public sealed class VmmCommandLineTests
{
    [Fact]
    public void HelpStatesTheD3coldDefaultAndHowToTurnItOff()
    {
        var (exit, output, error) = Vmm("--help");

        Assert.Equal((0, string.Empty), (exit, error));
        Assert.Contains("--platform-d3cold <on|off>", output, StringComparison.Ordinal);
        Assert.Contains("'--platform-d3cold off' or '--no-platform-d3cold' turns it off. [default: on]", output, StringComparison.Ordinal);
        Assert.Contains("--no-platform-d3cold", output, StringComparison.Ordinal);
        Assert.Contains("2 usage error", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes", "")]
    [InlineData("yes", "--platform-d3cold")]
    [InlineData("yes", "--platform-d3cold on")]
    [InlineData("yes", "--platform-d3cold TRUE")]
    [InlineData("no", "--platform-d3cold off")]
    [InlineData("no", "--platform-d3cold no")]
    [InlineData("no", "--platform-d3cold 0")]
    [InlineData("no", "--no-platform-d3cold")]
    public void PlatformD3coldIsAnOnOffSwitch(string expected, string args)
    {
        var (exit, output, _) = Vmm((args + " --quiet").Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(0, exit);
        Assert.Contains($"platform D3cold: {expected}", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus", "--bogus")]
    [InlineData("--platform-d3cold maybe", "'maybe' is not a value of --platform-d3cold")]
    [InlineData("--platform-d3cold on --no-platform-d3cold", "contradict each other")]
    [InlineData("--quiet host", "--quiet configures the scenario")]
    [InlineData("host --quiet", "--quiet configures the scenario")]
    [InlineData("--disable-idle-d3 host 0000:01:00.0", "--disable-idle-d3 configures the scenario")]
    [InlineData("host 0000:01:00.0 extra", "extra")]
    public void UsageErrorsGoToStderrWithExitCodeTwo(string args, string message)
    {
        var (exit, output, error) = Vmm(args.Split(' '));

        Assert.Equal((2, string.Empty), (exit, output));
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("-- --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HostErrorsGoToStderrWithExitCodeOne()
    {
        var (exit, output, error) = Vmm("host", "--sysfs", Path.Combine(Path.GetTempPath(), "vfiopm-no-such-" + Guid.NewGuid().ToString("N")));

        Assert.Equal((1, string.Empty), (exit, output));
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HostListsAFakeTreeThroughTheCommandLine()
    {
        using var sys = new FakeSysfs();
        var gpu = sys.AddDevice("pci0000:00/0000:01:00.0");
        sys.Write(gpu, "class", "0x030000");

        var (exit, output, _) = Vmm("host", "--sysfs", sys.Root, "1:00.0".Insert(0, "0"));

        Assert.Equal(0, exit);
        Assert.Contains("VGA compatible controller", output, StringComparison.Ordinal);
    }

    [Fact]
    public void DisableIdleD3StepDoesNotSayTheDeviceIdles()
    {
        var (exit, output, _) = Vmm("--disable-idle-d3", "--quiet");

        Assert.Equal(0, exit);
        var boot = output.Split('\n').Single(l => l.StartsWith("▶ host boots", StringComparison.Ordinal));
        Assert.DoesNotContain("idle", boot.Replace("disable_idle_d3", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("keeps the unused device in D0", boot, StringComparison.Ordinal);
    }

    [Fact]
    public void QuietPrintsWhatItsHelpSays()
    {
        var quiet = Vmm("--quiet").Output.Split('\n');
        var full = Vmm().Output.Split('\n');

        // Left out: the timeline ("  <time> ms  <kind> ..."). Kept: header, step titles, their notes, table, fatal line.
        static bool IsTimeline(string l) => l.Contains(" ms  ", StringComparison.Ordinal) && !l.Contains('·', StringComparison.Ordinal);
        Assert.Contains(full, IsTimeline);
        Assert.DoesNotContain(quiet, IsTimeline);
        Assert.StartsWith("VfioPm VMM", quiet[0], StringComparison.Ordinal);
        Assert.Equal(full.Count(l => l.StartsWith('▶')), quiet.Count(l => l.StartsWith('▶')));
        Assert.Equal(full.Count(l => l.StartsWith("  · ", StringComparison.Ordinal)), quiet.Count(l => l.StartsWith("  · ", StringComparison.Ordinal)));
        Assert.Contains(quiet, l => l.TrimStart().StartsWith("phase", StringComparison.Ordinal));
        Assert.Contains(quiet, l => l.StartsWith("No device was touched outside D0", StringComparison.Ordinal));
        Assert.Contains("the closing table", Vmm("--help").Output, StringComparison.Ordinal);
    }

    private static (int Exit, string Output, string Error) Vmm(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = VmmProgram.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
