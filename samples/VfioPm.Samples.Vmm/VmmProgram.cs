using System.CommandLine;
using System.IO;

namespace VfioPm.Samples.Vmm;

/// <summary>The <c>vmm</c> command line: the scenario (root command) and <c>host</c>.</summary>
internal static class VmmProgram
{
    /// <summary>Parses and runs <paramref name="args"/> with the given output and error writers.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        VmmCommandLine.Invoke(Build(), args, output, error);

    /// <summary>The commands and their options.</summary>
    public static RootCommand Build()
    {
        // Exit codes: 0 success; 1 the scenario touched a device outside D0, or 'host' listed nothing; 2 a usage error.
        var (d3cold, noD3cold) = VmmCommandLine.Switch(
            "platform-d3cold",
            "The GPU's slot and its root port have platform power control (ACPI _PR3), so runtime suspend reaches D3cold; off: D3hot is the deepest state.",
            defaultValue: true);
        var disableIdleD3 = new Option<bool>("--disable-idle-d3")
        {
            Description = "vfio-pci's disable_idle_d3: the unused device is kept in D0 (no open-time get/put).",
        };
        var quiet = new Option<bool>("--quiet")
        {
            Description = "Leave out the timeline of transitions: print the header, the step titles with their notes (·), the closing table and the fatal-access line.",
        };
        var root = new RootCommand("VfioPm VMM: a guest powers its passthrough GPU off and on through vfio-pci's low-power features, on a simulated platform. Exit codes: 0 success, 1 a device was touched outside D0 (or 'host' listed nothing), 2 usage error.")
        {
            d3cold,
            noD3cold,
            disableIdleD3,
            quiet,
        };
        var traceOptions = new TraceOptions();
        traceOptions.AddTo(root);
        VmmCommandLine.AddSwitchCheck(root, d3cold, noD3cold);
        root.SetAction(parse => traceOptions.Run(parse, outputs =>
            new HypervisorScenario(VmmCommandLine.IsOn(parse, d3cold, noD3cold), parse.GetValue(disableIdleD3), parse.GetValue(quiet), parse.InvocationConfiguration.Output) { Outputs = outputs }.Run()));

        var sysfs = new Option<string>("--sysfs")
        {
            Description = "The sysfs root to read (a fake tree for testing).",
            DefaultValueFactory = _ => "/sys",
        };
        var device = new Argument<string?>("device")
        {
            Description = "Show only this device and the bridges above it: [domain:]bus:device.function, for example 0000:01:00.0.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var host = new Command("host", "List this machine's PCI devices as a tree with their power attributes from sysfs (read-only).") { sysfs, device };
        host.SetAction(parse => HostCommand.Run(parse.GetValue(sysfs)!, parse.GetValue(device), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        root.Subcommands.Add(host);
        VmmCommandLine.RefuseRootOptions(root, host);
        return root;
    }
}
