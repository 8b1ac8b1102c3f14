using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace VfioPm.Runtime.Linux;

/// <summary>Renders <see cref="SysfsPciDevice"/> lists as an aligned plain-text table, "-" for missing values.</summary>
public static class SysfsPciTable
{
    private static readonly string[] Headers =
    {
        "BDF", "CLASS", "DRIVER", "POWER_STATE", "RUNTIME_STATUS", "CONTROL", "USAGE", "KIDS", "D3COLD_ALLOWED",
    };

    /// <summary>Formats one row per device under a header row; columns are separated by two spaces.</summary>
    /// <param name="devices">The devices, in the order to print them (null is treated as empty).</param>
    /// <returns>The table, each line ending in '\n'.</returns>
    public static string Format(IReadOnlyList<SysfsPciDevice> devices)
    {
        var rows = new List<string[]> { Headers };
        if (devices is not null)
        {
            foreach (SysfsPciDevice d in devices)
            {
                if (d is null)
                {
                    continue;
                }

                rows.Add(new[]
                {
                    d.Bdf,
                    d.ClassCode is uint c ? "0x" + c.ToString("x6", CultureInfo.InvariantCulture) : "-",
                    d.Driver ?? "-",
                    d.PowerStateText ?? "-",
                    d.RuntimeStatusText ?? "-",
                    d.Control ?? "-",
                    Number(d.RuntimeUsage),
                    Number(d.RuntimeActiveKids),
                    d.D3ColdAllowed is bool b ? (b ? "1" : "0") : "-",
                });
            }
        }

        var widths = new int[Headers.Length];
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
                if (i == row.Length - 1)
                {
                    sb.Append(row[i]);
                }
                else
                {
                    sb.Append(row[i].PadRight(widths[i])).Append("  ");
                }
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Number(int? value) =>
        value is int v ? v.ToString(CultureInfo.InvariantCulture) : "-";
}
