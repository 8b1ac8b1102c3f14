using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VfioPm.Runtime.Linux;

namespace VfioPm.Samples.Vmm;

/// <summary>
/// The <c>host</c> command: this machine's PCI functions with their power attributes, read-only, as a tree; or one
/// device and the bridges above it. The listing goes to stdout, errors and unreadable attributes to stderr.
/// </summary>
internal static partial class HostCommand
{
    /// <summary>Exit code: something was listed.</summary>
    public const int Listed = 0;

    /// <summary>Exit code: nothing could be listed (no sysfs tree, no devices, no such device).</summary>
    public const int Failed = 1;

    /// <summary>Exit code: a malformed device address (a usage error, as for the command line).</summary>
    public const int UsageError = 2;

    public static int Run(string sysfsRoot, string? address, TextWriter output, TextWriter error)
    {
        string? bdf = null;
        if (address is not null && (bdf = NormalizeAddress(address)) is null)
        {
            error.WriteLine($"vmm host: '{address}' is not a PCI address: expected [domain:]bus:device.function, for example 0000:01:00.0");
            return UsageError;
        }

        var reader = new SysfsPciReader(sysfsRoot);
        if (!Directory.Exists(reader.Root))
        {
            error.WriteLine($"vmm host: {reader.Root} does not exist (--sysfs names the sysfs mount point, normally /sys)");
            return Failed;
        }

        if (!Directory.Exists(reader.DevicesDirectory))
        {
            error.WriteLine($"vmm host: {reader.Root} is not a sysfs tree with a PCI bus: {reader.DevicesDirectory} is missing");
            return Failed;
        }

        var devices = reader.ReadDevices(out var problems);
        if (devices.Count == 0)
        {
            error.WriteLine($"vmm host: no PCI device could be read under {reader.DevicesDirectory}");
            WriteProblems(error, problems);
            return Failed;
        }

        IReadOnlyList<SysfsPciDevice> shown = devices;
        if (bdf is not null)
        {
            var chain = Chain(devices, bdf);
            if (chain.Count == 0)
            {
                error.WriteLine($"vmm host: no PCI device {bdf} under {reader.DevicesDirectory} ({devices.Count} there; 'vmm host' lists them)");
                return Failed;
            }

            shown = chain;
            problems = problems.Where(p => chain.Any(d => p.StartsWith(d.SysfsPath + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || p.Contains(d.Bdf, StringComparison.Ordinal))).ToList();
            output.WriteLine($"PCI device {bdf} under {reader.DevicesDirectory}, below its upstream bridges:");
        }
        else
        {
            output.WriteLine($"PCI devices under {reader.DevicesDirectory}: {devices.Count}, each below its upstream bridge");
        }

        output.Write(SysfsPciTable.Format(shown));
        output.WriteLine();
        foreach (var line in SysfsPciTable.Legend(shown))
        {
            output.WriteLine(line);
        }

        WriteProblems(error, problems);
        return Listed;
    }

    // "01:00.0" is in domain 0000, as lspci -s reads it; hex digits in any case.
    internal static string? NormalizeAddress(string address)
    {
        var match = AddressPattern().Match(address.Trim());
        if (!match.Success)
        {
            return null;
        }

        var domain = match.Groups["domain"].Success ? match.Groups["domain"].Value : "0000";
        var device = Convert.ToInt32(match.Groups["device"].Value, 16);
        return device > 0x1F
            ? null
            : $"{domain.ToLowerInvariant()}:{match.Groups["bus"].Value.ToLowerInvariant()}:{match.Groups["device"].Value.ToLowerInvariant()}.{match.Groups["function"].Value}";
    }

    // The device, then its bridges up to the root bus (printed root first by the table's tree order).
    private static List<SysfsPciDevice> Chain(IReadOnlyList<SysfsPciDevice> devices, string bdf)
    {
        var byBdf = devices.ToDictionary(d => d.Bdf, StringComparer.Ordinal);
        var chain = new List<SysfsPciDevice>();
        for (var current = byBdf.GetValueOrDefault(bdf); current is not null && !chain.Contains(current); current = current.ParentBdf is { } p ? byBdf.GetValueOrDefault(p) : null)
        {
            chain.Add(current);
        }

        return chain;
    }

    private static void WriteProblems(TextWriter error, IReadOnlyList<string> problems)
    {
        if (problems.Count == 0)
        {
            return;
        }

        error.WriteLine($"vmm host: {problems.Count} problem(s) while reading (\"?\" in the table):");
        foreach (var p in problems)
        {
            error.WriteLine($"  {p}");
        }
    }

    [GeneratedRegex(@"^(?:(?<domain>[0-9A-Fa-f]{4,8}):)?(?<bus>[0-9A-Fa-f]{2}):(?<device>[0-9A-Fa-f]{2})\.(?<function>[0-7])$")]
    private static partial Regex AddressPattern();
}
