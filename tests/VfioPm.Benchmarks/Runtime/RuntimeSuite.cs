using System.Collections.Generic;
using BenchmarkDotNet.Running;
using VfioPm.Benchmarks.Reporting;

namespace VfioPm.Benchmarks.Runtime;

/// <summary>The runtime fast path: the get/put pair on one thread and on two, against the floor and lock per call.</summary>
public sealed class RuntimeSuite : ISuite
{
    /// <inheritdoc/>
    public string Name => "runtime";

    /// <inheritdoc/>
    public IReadOnlyList<Figure> Run(BenchMode mode, string artifacts)
    {
        var config = BenchmarkConfig.For(mode, artifacts);
        var one = new Measured(BenchmarkRunner.Run<GetPutBenchmarks>(config));
        var two = new Measured(BenchmarkRunner.Run<TwoThreadGetPutBenchmarks>(config));

        const string Floor = "Interlocked inc+dec pair (floor)";
        const string Locked = "lock per call (reference)";
        var floor = one.MedianNs(nameof(GetPutBenchmarks.InterlockedPair));
        var pair = one.MedianNs(nameof(GetPutBenchmarks.ResumeAndGetPut));
        var lockPerCall = one.MedianNs(nameof(GetPutBenchmarks.LockPerCall));
        var lockedGet = one.MedianNs(nameof(GetPutBenchmarks.LockedGetOfTheRuntime));
        var perPair = "ns per ResumeAndGet+Put pair on an Active device held in use (count 1 → 2 → 1)";
        var perThread = "wall ns per pair per thread, both threads running " + TwoThreadGetPutBenchmarks.PairsPerThread + " pairs";

        return new[]
        {
            Targets.RatioAtMost(Name, "ResumeAndGet+Put, 1 thread", pair, "ns", Floor, floor, 1.5, perPair),
            Targets.SpeedupAtLeast(Name, "ResumeAndGet+Put vs lock per call, 1 thread", pair, "ns", Locked, lockPerCall, 3),
            Targets.RatioAtMost(Name, "ResumeAndGet+Put vs an inc + compare-and-swap dec pair, 1 thread", pair, "ns", "Interlocked inc, then CAS dec (a put that never goes negative)",
                one.MedianNs(nameof(GetPutBenchmarks.InterlockedIncCasPair)), null, "what the runtime's put costs by construction: a compare-and-swap instead of a plain decrement, so an underflowing put never shows a negative count"),
            Targets.RatioAtMost(Name, "the runtime's locked get (gate shut) + Put, 1 thread", lockedGet, "ns", "ResumeAndGet+Put on the fast path", pair, null,
                "runtime PM disabled while Active: every get takes the power lock, as before the fast path"),
            Targets.RatioAtMost(Name, "2 threads, one device", two.MedianNs(nameof(TwoThreadGetPutBenchmarks.RuntimeOneDevice)), "ns", "floor, 2 threads on one field",
                two.MedianNs(nameof(TwoThreadGetPutBenchmarks.FloorOneField)), null, perThread),
            Targets.RatioAtMost(Name, "2 threads, one device vs lock per call", two.MedianNs(nameof(TwoThreadGetPutBenchmarks.RuntimeOneDevice)), "ns", "lock per call, 2 threads, one device",
                two.MedianNs(nameof(TwoThreadGetPutBenchmarks.LockPerCallOneDevice)), null),
            Targets.RatioAtMost(Name, "2 threads, two devices", two.MedianNs(nameof(TwoThreadGetPutBenchmarks.RuntimeTwoDevices)), "ns", "floor, 2 threads on two fields",
                two.MedianNs(nameof(TwoThreadGetPutBenchmarks.FloorTwoFields)), null, perThread),
            Targets.RatioAtMost(Name, "2 threads, two devices vs lock per call", two.MedianNs(nameof(TwoThreadGetPutBenchmarks.RuntimeTwoDevices)), "ns", "lock per call, 2 threads, two devices",
                two.MedianNs(nameof(TwoThreadGetPutBenchmarks.LockPerCallTwoDevices)), null),
            Targets.AbsoluteAtMost(Name, "allocated, ResumeAndGet+Put", one.AllocatedBytes(nameof(GetPutBenchmarks.ResumeAndGetPut)), "B/op", 0),
            Targets.AbsoluteAtMost(Name, "allocated, 2 threads one device", two.AllocatedBytes(nameof(TwoThreadGetPutBenchmarks.RuntimeOneDevice)), "B/op", 0),
        };
    }
}
