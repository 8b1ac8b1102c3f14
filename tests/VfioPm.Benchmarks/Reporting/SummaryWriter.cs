using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VfioPm.Benchmarks.Reporting;

/// <summary>Writes a run's figures as <c>summary.json</c> and <c>summary.md</c> (a Markdown table for the README).</summary>
public static class SummaryWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The document written to <c>summary.json</c>.</summary>
    public sealed record Document(string Mode, IReadOnlyList<string> Suites, DateTimeOffset Started, TimeSpan Duration, MachineInfo Machine, IReadOnlyList<Figure> Figures);

    /// <summary>Writes both files into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Json, string Markdown) Write(string directory, Document document)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "summary.json");
        var md = Path.Combine(directory, "summary.md");
        File.WriteAllText(json, JsonSerializer.Serialize(document, Json) + "\n");
        File.WriteAllText(md, Markdown(document));
        return (json, md);
    }

    /// <summary>The Markdown table: every figure with its raw value, its baseline's raw value, the ratio and the target.</summary>
    public static string Markdown(Document d)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Run: `{string.Join(' ', d.Suites)}`, {d.Mode} mode, {d.Started:yyyy-MM-dd HH:mm} UTC, {d.Duration.TotalSeconds:0} s. Machine: {d.Machine}.\n\n");
        sb.Append("| suite | figure | value | baseline | baseline value | ratio | target | met |\n");
        sb.Append("| --- | --- | ---: | --- | ---: | ---: | --- | --- |\n");
        foreach (var f in d.Figures)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| {f.Suite} | {Cell(f.Name)} | {Format(f.Value, f.Unit)} | {Cell(f.Baseline)} | {(f.BaselineValue is { } b ? Format(b, f.Unit) : "—")} | {(f.Ratio is { } r ? r.ToString("0.###", CultureInfo.InvariantCulture) + "×" : "—")} | {f.Target ?? "(info)"} | {(f.Met is { } m ? (m ? "yes" : "**no**") : "—")} |\n");
        }

        var notes = d.Figures.Where(f => f.Note is not null).ToList();
        if (notes.Count > 0)
        {
            sb.Append('\n');
            foreach (var f in notes)
            {
                sb.Append(CultureInfo.InvariantCulture, $"- *{f.Name}*: {f.Note}\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>A value with its unit, at a precision that suits it.</summary>
    public static string Format(double value, string unit) => unit switch
    {
        "ns" => value.ToString(value < 100 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ns",
        "ms" => value.ToString(value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms",
        "B/op" => value.ToString("0", CultureInfo.InvariantCulture) + " B/op",
        "%" => value.ToString("0.00", CultureInfo.InvariantCulture) + " %",
        _ => value.ToString("0.###", CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : string.Empty),
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
