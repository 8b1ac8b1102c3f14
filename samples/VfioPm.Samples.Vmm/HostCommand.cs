using System.IO;
using VfioPm.Runtime.Linux;

namespace VfioPm.Samples.Vmm;

/// <summary>The <c>host</c> command: this machine's PCI functions with their power attributes, read-only.</summary>
internal static class HostCommand
{
    public static int Run(string sysfsRoot, TextWriter output)
    {
        var reader = new SysfsPciReader(sysfsRoot);
        var devices = reader.ReadDevices(out var problems);
        output.WriteLine($"PCI devices under {sysfsRoot}/bus/pci/devices: {devices.Count}");
        output.Write(SysfsPciTable.Format(devices));
        if (problems.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"{problems.Count} attribute(s) could not be read (reported, not fatal):");
            foreach (var p in problems)
            {
                output.WriteLine($"  {p}");
            }
        }

        return 0;
    }
}
