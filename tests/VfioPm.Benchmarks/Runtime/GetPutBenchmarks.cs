using System.Threading;
using BenchmarkDotNet.Attributes;
using VfioPm.Runtime.Power;

namespace VfioPm.Benchmarks.Runtime;

/// <summary>
/// <c>ResumeAndGet</c> + <c>Put</c> on an Active, in-use device, one thread, against the floor (a bare interlocked
/// increment/decrement pair on one field) and the lock-per-call reference; plus the same runtime's locked get (runtime
/// PM disabled, so the gate stays shut) to show what the fast path saves.
/// </summary>
public class GetPutBenchmarks
{
    private RuntimePm _pm = null!;
    private RuntimePm _lockedPath = null!;
    private LockPerCallPm _lockPerCall = null!;
    private int _counter;

    /// <summary>Creates the devices.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _pm = ActiveDevice.Create("gpu");
        _lockedPath = ActiveDevice.Create("gpu-disabled", disabled: true);
        _lockPerCall = new LockPerCallPm();
        _lockPerCall.ResumeAndGet();
    }

    /// <summary>The floor: what two atomic read-modify-writes cost.</summary>
    [Benchmark(Baseline = true)]
    public int InterlockedPair()
    {
        Interlocked.Increment(ref _counter);
        return Interlocked.Decrement(ref _counter);
    }

    /// <summary>
    /// The floor of a put that never lets the count go negative: the increment, then a read and a compare-and-swap
    /// decrement (what the runtime's put does instead of the kernel's decrement-then-restore).
    /// </summary>
    [Benchmark]
    public int InterlockedIncCasPair()
    {
        Interlocked.Increment(ref _counter);
        var current = Volatile.Read(ref _counter);
        return Interlocked.CompareExchange(ref _counter, current - 1, current);
    }

    /// <summary>The runtime's get/put pair on the fast path.</summary>
    [Benchmark]
    public int ResumeAndGetPut()
    {
        _pm.ResumeAndGet();
        return _pm.Put();
    }

    /// <summary>The lock-per-call reference design.</summary>
    [Benchmark]
    public int LockPerCall()
    {
        _lockPerCall.ResumeAndGet();
        return _lockPerCall.Put();
    }

    /// <summary>The runtime's own locked get (runtime PM disabled while Active: rpm_resume returns 1 under the lock).</summary>
    [Benchmark]
    public int LockedGetOfTheRuntime()
    {
        _lockedPath.ResumeAndGet();
        return _lockedPath.Put();
    }
}
