using System.Collections.Generic;
using BenchmarkDotNet.Running;
using VfioPm.Benchmarks.Reporting;

namespace VfioPm.Benchmarks.Dispatch;

/// <summary>The generated dispatchers against a hand-written switch with explicit get/put, and the region read against a bare BAR read.</summary>
public sealed class DispatchSuite : ISuite
{
    /// <inheritdoc/>
    public string Name => "dispatch";

    /// <inheritdoc/>
    public IReadOnlyList<Figure> Run(BenchMode mode, string artifacts)
    {
        var m = new Measured(BenchmarkRunner.Run<DispatchBenchmarks>(BenchmarkConfig.For(mode, artifacts)));
        const string Hand = "hand-written switch, explicit get/put";
        var figures = new List<Figure>
        {
            Targets.RatioAtMost(Name, "ioctl GET_INFO via generated dispatcher", m.MedianNs(nameof(DispatchBenchmarks.GeneratedGetInfo)), "ns", Hand,
                m.MedianNs(nameof(DispatchBenchmarks.HandWrittenGetInfo)), 1.05, "the variant-driver sample, device Active and held in use"),
            Targets.RatioAtMost(Name, "ioctl FEATURE GET thermal via generated dispatcher", m.MedianNs(nameof(DispatchBenchmarks.GeneratedFeatureGet)), "ns", Hand,
                m.MedianNs(nameof(DispatchBenchmarks.HandWrittenFeatureGet)), 1.05),
            Targets.RatioAtMost(Name, "region read (4 B of BAR0) via generated dispatcher", m.MedianNs(nameof(DispatchBenchmarks.GeneratedRegionRead)), "ns", Hand,
                m.MedianNs(nameof(DispatchBenchmarks.HandWrittenRegionRead)), 1.05),
            Targets.RatioAtMost(Name, "region read via generated dispatcher vs direct", m.MedianNs(nameof(DispatchBenchmarks.GeneratedRegionRead)), "ns", "PciDevice.ReadBar, no dispatch, no get/put",
                m.MedianNs(nameof(DispatchBenchmarks.DirectBarRead)), null, "what the wrapper adds: region decode, bracket, clip"),
        };
        foreach (var method in new[] { nameof(DispatchBenchmarks.GeneratedGetInfo), nameof(DispatchBenchmarks.GeneratedFeatureGet), nameof(DispatchBenchmarks.GeneratedRegionRead) })
        {
            figures.Add(Targets.AbsoluteAtMost(Name, "allocated, " + method, m.AllocatedBytes(method), "B/op", 0));
        }

        return figures;
    }
}
