using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace VfioPm.Benchmarks.Reporting;

/// <summary>The machine a run measured, as the summary records it (ratios only compare figures of one run on it).</summary>
/// <param name="Cpu">The CPU model (<c>/proc/cpuinfo</c>).</param>
/// <param name="LogicalCores">Logical processors visible to the process.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="LoadAverage">The 1/5/15-minute load average when the run started (the machine may be shared).</param>
public sealed record MachineInfo(string Cpu, int LogicalCores, string Os, string Runtime, string LoadAverage)
{
    /// <summary>Reads this machine's description.</summary>
    public static MachineInfo Current() => new(
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        ReadFirstLine("/proc/loadavg") is { } load ? string.Join(' ', load.Split(' ').Take(3)) : "n/a");

    /// <summary>One line for the Markdown table's caption.</summary>
    public override string ToString() => $"{Cpu}, {LogicalCores} logical cores, {Os}, {Runtime}, load average at start {LoadAverage}";

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (UnauthorizedAccessException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
