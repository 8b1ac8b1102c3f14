using System;
using System.CommandLine;
using VfioPm.Samples.Vmm;

// vmm: the hypervisor scenario on the simulated platform (default), or a read-only look at this host's PCI power state.
var d3cold = new Option<bool>("--platform-d3cold")
{
    Description = "The GPU's slot and its root port have platform power control (ACPI _PR3): runtime suspend reaches D3cold instead of D3hot.",
    DefaultValueFactory = _ => true,
};
var disableIdleD3 = new Option<bool>("--disable-idle-d3")
{
    Description = "vfio-pci's disable_idle_d3: the unused device is kept in D0 (no open-time get/put).",
};
var quiet = new Option<bool>("--quiet")
{
    Description = "Print only the step titles and the closing table, not every transition.",
};
var root = new RootCommand("VfioPm VMM: a guest powers its passthrough GPU off and on through vfio-pci's low-power features, on a simulated platform.")
{
    d3cold,
    disableIdleD3,
    quiet,
};
var traceOptions = new TraceOptions();
traceOptions.AddTo(root);
root.SetAction(parse => traceOptions.Run(parse, outputs =>
    new HypervisorScenario(parse.GetValue(d3cold), parse.GetValue(disableIdleD3), parse.GetValue(quiet), Console.Out) { Outputs = outputs }.Run()));

var sysfs = new Option<string>("--sysfs")
{
    Description = "The sysfs root to read (a fake tree for testing).",
    DefaultValueFactory = _ => "/sys",
};
var host = new Command("host", "List this machine's PCI devices and their power attributes from sysfs (read-only).") { sysfs };
host.SetAction(parse => HostCommand.Run(parse.GetValue(sysfs)!, Console.Out));
root.Subcommands.Add(host);

return root.Parse(args).Invoke();
