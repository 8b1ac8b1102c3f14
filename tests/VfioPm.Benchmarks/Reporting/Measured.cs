using System;
using System.Linq;
using BenchmarkDotNet.Reports;

namespace VfioPm.Benchmarks.Reporting;

/// <summary>Reads a BenchmarkDotNet summary: mean time and allocated bytes per operation of a benchmark method.</summary>
public sealed class Measured
{
    private readonly Summary _summary;

    /// <summary>Wraps <paramref name="summary"/>.</summary>
    public Measured(Summary summary) => _summary = summary;

    /// <summary>Median nanoseconds per operation (robust to bursts from other work on a shared machine) of <paramref name="method"/>.</summary>
    public double MedianNs(string method) => Report(method).ResultStatistics?.Median
        ?? throw new InvalidOperationException($"{method} has no result (did it fail?)");

    /// <summary>Bytes allocated per operation of <paramref name="method"/> (memory diagnoser).</summary>
    public double AllocatedBytes(string method)
    {
        var report = Report(method);
        return report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? double.NaN;
    }

    private BenchmarkReport Report(string method) =>
        _summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method)
        ?? throw new InvalidOperationException($"no report for {method}");
}
