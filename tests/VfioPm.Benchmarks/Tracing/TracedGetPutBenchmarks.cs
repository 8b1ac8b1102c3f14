using BenchmarkDotNet.Attributes;
using VfioPm.Runtime.Power;

namespace VfioPm.Benchmarks.Tracing;

/// <summary>
/// <c>ResumeAndGet</c> + <c>Put</c> on an Active, in-use device with no trace sink (the baseline) and with a sink attached
/// that drops every event: what switching the rpm tracepoints on costs (the get takes the power lock and emits
/// rpm_resume + rpm_return_int; the put emits rpm_usage).
/// </summary>
public class TracedGetPutBenchmarks
{
    private RuntimePm _untraced = null!;
    private RuntimePm _traced = null!;

    /// <summary>Two devices in two environments; the second has a sink attached.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _untraced = Runtime.ActiveDevice.Create("gpu");
        _traced = Runtime.ActiveDevice.Create("gpu-traced");
        _traced.Device.Environment.AttachTraceSink(new DroppingSink());
    }

    /// <summary>No sink: the lock-free fast path.</summary>
    [Benchmark(Baseline = true)]
    public int Untraced()
    {
        _untraced.ResumeAndGet();
        return _untraced.Put();
    }

    /// <summary>A sink attached.</summary>
    [Benchmark]
    public int Traced()
    {
        _traced.ResumeAndGet();
        return _traced.Put();
    }

    private sealed class DroppingSink : IRpmTraceSink
    {
        public void Write(in RpmTraceEvent traceEvent)
        {
        }
    }
}
