using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace VfioPm.Runtime.Linux;

/// <summary>
/// Renders <see cref="SysfsPciDevice"/> lists as an aligned plain-text table in tree order (each device below its
/// upstream bridge, indented, as <c>lspci -t</c> nests them): "-" for an absent attribute, "?" for one that exists but
/// could not be read or parsed. The debug-only columns (USAGE, KIDS) appear only when some device has them.
/// </summary>
public static class SysfsPciTable
{
    private static readonly string[] BaseHeaders =
    {
        "BDF", "ID", "CLASS", "DRIVER", "POWER", "RUNTIME", "CONTROL", "AUTOSUSPEND", "ACTIVE_MS", "SUSPENDED_MS", "WAKEUP", "D3COLD",
    };

    private static readonly string[] DebugHeaders = { "USAGE", "KIDS" };

    /// <summary>Formats one row per device under a header row; columns are separated by two spaces.</summary>
    /// <param name="devices">The devices (null is treated as empty); rows come in tree order.</param>
    /// <returns>The table, each line ending in '\n'.</returns>
    public static string Format(IReadOnlyList<SysfsPciDevice> devices)
    {
        var list = (devices ?? Array.Empty<SysfsPciDevice>()).Where(d => d is not null).ToList();
        bool debug = HasDebugAttributes(list);
        var headers = debug ? BaseHeaders.Concat(DebugHeaders).ToArray() : BaseHeaders;
        var rows = new List<string[]> { headers };
        foreach (var (d, depth) in TreeOrder(list))
        {
            var row = new List<string>
            {
                new string(' ', 2 * depth) + d.Bdf,
                Ids(d),
                d.ClassCode is uint c ? PciClassNames.Describe(c) : Missing(d, "class"),
                d.Driver ?? Missing(d, "driver"),
                d.PowerState is not null || d.PowerStateText == "error" ? d.PowerStateText! : Missing(d, "power_state"),
                d.RuntimeStatus is not null || d.RuntimeStatusText is "error" or "unsupported" ? d.RuntimeStatusText! : Missing(d, "runtime_status"),
                d.Control ?? Missing(d, "control"),
                d.UsesAutosuspend == false ? "off" : d.AutosuspendDelayMs is int delay ? delay.ToString(CultureInfo.InvariantCulture) + " ms" : Missing(d, "autosuspend_delay_ms"),
                Number(d.RuntimeActiveTimeMs, d, "runtime_active_time"),
                Number(d.RuntimeSuspendedTimeMs, d, "runtime_suspended_time"),
                d.Wakeup is { } wakeup ? (wakeup.Length == 0 ? "n/a" : wakeup) : Missing(d, "wakeup"),
                d.D3ColdAllowed is bool b ? (b ? "yes" : "no") : Missing(d, "d3cold_allowed"),
            };
            if (debug)
            {
                row.Add(Number(d.RuntimeUsage, d, "runtime_usage"));
                row.Add(Number(d.RuntimeActiveKids, d, "runtime_active_kids"));
            }

            rows.Add(row.ToArray());
        }

        var widths = new int[headers.Length];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var sb = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                sb.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i]) + "  ");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The lines that explain the table's marks and columns for <paramref name="devices"/>.</summary>
    public static IReadOnlyList<string> Legend(IReadOnlyList<SysfsPciDevice> devices)
    {
        var list = (devices ?? Array.Empty<SysfsPciDevice>()).Where(d => d is not null).ToList();
        var lines = new List<string>
        {
            "ID vendor:device; POWER power_state; RUNTIME, CONTROL, AUTOSUSPEND (\"off\": the driver does not use it), ACTIVE_MS, SUSPENDED_MS, WAKEUP (\"n/a\": cannot wake the system): power/*; D3COLD d3cold_allowed.",
            "\"-\" the attribute is absent; \"?\" it exists but could not be read or parsed (details on stderr).",
        };
        lines.Add(HasDebugAttributes(list)
            ? "USAGE, KIDS: power/runtime_usage and power/runtime_active_kids, present only with CONFIG_PM_ADVANCED_DEBUG (\"-\" where a device lacks them)."
            : "USAGE and KIDS (power/runtime_usage, runtime_active_kids) are left out: they exist only with CONFIG_PM_ADVANCED_DEBUG, and no device here has them.");
        return lines;
    }

    // Roots (no parent in the list) in name order, each followed depth-first by its children in name order.
    private static IEnumerable<(SysfsPciDevice Device, int Depth)> TreeOrder(List<SysfsPciDevice> devices)
    {
        var byBdf = devices.GroupBy(d => d.Bdf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var children = devices
            .Where(d => d.ParentBdf is not null && byBdf.ContainsKey(d.ParentBdf))
            .GroupBy(d => d.ParentBdf!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(d => d.Bdf, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var emitted = new HashSet<SysfsPciDevice>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(SysfsPciDevice, int)>();
        foreach (var root in devices.Where(d => d.ParentBdf is null || !byBdf.ContainsKey(d.ParentBdf)).OrderBy(d => d.Bdf, StringComparer.Ordinal))
        {
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (device, depth) = stack.Pop();
                if (!emitted.Add(device))
                {
                    continue; // a parent cycle in a hand-made tree
                }

                yield return (device, depth);
                if (children.TryGetValue(device.Bdf, out var kids))
                {
                    for (int i = kids.Count - 1; i >= 0; i--)
                    {
                        stack.Push((kids[i], depth + 1));
                    }
                }
            }
        }

        // Devices only reachable through a cycle: flat, at the end, so none is lost.
        foreach (var device in devices.Where(d => !emitted.Contains(d)).OrderBy(d => d.Bdf, StringComparer.Ordinal))
        {
            yield return (device, 0);
        }
    }

    private static bool HasDebugAttributes(List<SysfsPciDevice> devices) =>
        devices.Any(d => d.RuntimeUsage is not null || d.RuntimeActiveKids is not null
            || d.Unreadable.Contains("runtime_usage") || d.Unreadable.Contains("runtime_active_kids"));

    private static string Ids(SysfsPciDevice d)
    {
        string vendor = d.VendorId is ushort v ? v.ToString("x4", CultureInfo.InvariantCulture) : Missing(d, "vendor");
        string device = d.DeviceId is ushort i ? i.ToString("x4", CultureInfo.InvariantCulture) : Missing(d, "device");
        return vendor + ":" + device;
    }

    private static string Missing(SysfsPciDevice d, string attribute) => d.Unreadable.Contains(attribute) ? "?" : "-";

    private static string Number(long? value, SysfsPciDevice d, string attribute) =>
        value is long v ? v.ToString(CultureInfo.InvariantCulture) : Missing(d, attribute);
}
