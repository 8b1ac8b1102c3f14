using System;
using System.Threading;
using BenchmarkDotNet.Attributes;
using VfioPm.Runtime.Power;

namespace VfioPm.Benchmarks.Runtime;

/// <summary>
/// The get/put pair on two threads at once, on one shared device and on two devices, each against its floor (the
/// interlocked pair on one shared field / on two fields on separate cache lines) and the lock-per-call reference.
/// Each invocation runs <see cref="PairsPerThread"/> pairs on each thread; the reported time is wall time per pair
/// per thread.
/// </summary>
public class TwoThreadGetPutBenchmarks
{
    /// <summary>Pairs each thread runs per invocation.</summary>
    public const int PairsPerThread = 20_000;

    private readonly PaddedCounter[] _counters = new PaddedCounter[2];
    private PairedThreads _threads = null!;
    private RuntimePm _shared = null!;
    private RuntimePm _first = null!;
    private RuntimePm _second = null!;
    private LockPerCallPm _sharedLocked = null!;
    private LockPerCallPm _firstLocked = null!;
    private LockPerCallPm _secondLocked = null!;
    private Action _floorShared = null!;
    private Action _floorFirst = null!;
    private Action _floorSecond = null!;
    private Action _pmShared = null!;
    private Action _pmFirst = null!;
    private Action _pmSecond = null!;
    private Action _lockedShared = null!;
    private Action _lockedFirst = null!;
    private Action _lockedSecond = null!;

    /// <summary>Creates devices, bodies (once, so invocations allocate nothing) and the second thread.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _shared = ActiveDevice.Create("gpu");
        _first = ActiveDevice.Create("gpu0");
        _second = ActiveDevice.Create("gpu1");
        _sharedLocked = Locked();
        _firstLocked = Locked();
        _secondLocked = Locked();
        _floorShared = () => Floor(0);
        _floorFirst = () => Floor(0);
        _floorSecond = () => Floor(1);
        _pmShared = () => Pairs(_shared);
        _pmFirst = () => Pairs(_first);
        _pmSecond = () => Pairs(_second);
        _lockedShared = () => Pairs(_sharedLocked);
        _lockedFirst = () => Pairs(_firstLocked);
        _lockedSecond = () => Pairs(_secondLocked);
        _threads = new PairedThreads();
    }

    /// <summary>Stops the second thread.</summary>
    [GlobalCleanup]
    public void Cleanup() => _threads.Dispose();

    /// <summary>Floor, one device: both threads on one field.</summary>
    [Benchmark(OperationsPerInvoke = PairsPerThread)]
    public void FloorOneField() => _threads.Run(_floorShared, _floorShared);

    /// <summary>The runtime, both threads on one device.</summary>
    [Benchmark(OperationsPerInvoke = PairsPerThread)]
    public void RuntimeOneDevice() => _threads.Run(_pmShared, _pmShared);

    /// <summary>Lock per call, both threads on one device.</summary>
    [Benchmark(OperationsPerInvoke = PairsPerThread)]
    public void LockPerCallOneDevice() => _threads.Run(_lockedShared, _lockedShared);

    /// <summary>Floor, two devices: one field each, on separate cache lines.</summary>
    [Benchmark(OperationsPerInvoke = PairsPerThread)]
    public void FloorTwoFields() => _threads.Run(_floorFirst, _floorSecond);

    /// <summary>The runtime, one device per thread.</summary>
    [Benchmark(OperationsPerInvoke = PairsPerThread)]
    public void RuntimeTwoDevices() => _threads.Run(_pmFirst, _pmSecond);

    /// <summary>Lock per call, one device per thread.</summary>
    [Benchmark(OperationsPerInvoke = PairsPerThread)]
    public void LockPerCallTwoDevices() => _threads.Run(_lockedFirst, _lockedSecond);

    private static LockPerCallPm Locked()
    {
        var pm = new LockPerCallPm();
        pm.ResumeAndGet();
        return pm;
    }

    private static void Pairs(RuntimePm pm)
    {
        for (var i = 0; i < PairsPerThread; i++)
        {
            pm.ResumeAndGet();
            pm.Put();
        }
    }

    private static void Pairs(LockPerCallPm pm)
    {
        for (var i = 0; i < PairsPerThread; i++)
        {
            pm.ResumeAndGet();
            pm.Put();
        }
    }

    private void Floor(int index)
    {
        ref var counter = ref _counters[index].Value;
        for (var i = 0; i < PairsPerThread; i++)
        {
            Interlocked.Increment(ref counter);
            Interlocked.Decrement(ref counter);
        }
    }
}
