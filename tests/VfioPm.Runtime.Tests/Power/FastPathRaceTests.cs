using System;
using System.Collections.Concurrent;
using System.Threading;
using VfioPm.Runtime.Power;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// Real threads racing lock-free gets (RuntimePm.FastPath.cs) against synchronous and asynchronous suspends on one
/// device: a suspend must never start while a getter holds a reference it was given, and a getter must never see the
/// device off while it holds one. Seeded (each thread's choices come from its own <see cref="Random"/>), bounded by
/// iteration counts, with a join deadline that turns a hang into a failure. Without the Dekker pair (the gate closed
/// before <c>rpm_check_suspend_allowed</c> reads the count, and the getter's increment before its gate read) the
/// callbacks below catch a suspend slipping past a get. Checked by breaking it on purpose and running this class
/// repeatedly: with the gate closed just after the count is read (a window of a few instructions) every run failed
/// (10 of 10); with the gate closed only when the status leaves Active (no re-check), 5 of 5; with the gate closed by
/// a plain Volatile.Write (no full fence, so only x86 store-load reordering can expose it), 11 of 12. With the Dekker
/// pair in place, every run passed.
/// </summary>
public sealed class FastPathRaceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _output;

    public FastPathRaceTests(ITestOutputHelper output) => _output = output;

    // Results a racing suspend/idle/put may give; anything else is a bug.
    private static readonly int[] RaceResults = { 0, 1, -Errno.EAGAIN, -Errno.EBUSY, -Errno.EINPROGRESS };

    // The device's driver: knows how many getters hold a reference they were handed and whether the device is
    // powered, and reports a suspend that starts under a holder or a holder that finds the device off.
    private sealed class GuardedDriver : IRuntimePmCallbacks
    {
        private int _holders;
        private int _powered = 1;
        private int _suspends;
        private int _resumes;

        public ConcurrentQueue<string> Failures { get; } = new();

        public int Suspends => Volatile.Read(ref _suspends);

        public int Resumes => Volatile.Read(ref _resumes);

        public bool Powered => Volatile.Read(ref _powered) != 0;

        public void Fail(string message)
        {
            if (Failures.Count < 20)
            {
                Failures.Enqueue(message);
            }
        }

        public void Hold() => Interlocked.Increment(ref _holders);

        public void Release() => Interlocked.Decrement(ref _holders);

        public int RuntimeSuspend(Device device)
        {
            // The usage count itself may be above 0 here (a locked getter raises it before it waits for the lock); a
            // holder may not exist.
            CheckNoHolder(device, "started");
            Thread.SpinWait(64);
            CheckNoHolder(device, "ended");
            Volatile.Write(ref _powered, 0);
            Interlocked.Increment(ref _suspends);
            return 0;
        }

        public int RuntimeResume(Device device)
        {
            Volatile.Write(ref _powered, 1);
            Interlocked.Increment(ref _resumes);
            return 0;
        }

        public int RuntimeIdle(Device device) => 0;

        private void CheckNoHolder(Device device, string when)
        {
            var holders = Volatile.Read(ref _holders);
            if (holders != 0)
            {
                Fail($"suspend callback {when} while {holders} getter(s) held a reference (usage {device.Power.UsageCount})");
            }
        }
    }

    private sealed class World
    {
        private long _fastGets;

        public World()
        {
            Environment = new PmEnvironment(TimeProvider.System, new ThreadPoolPmWorkQueue());
            Environment.Warning += (d, m) => Driver.Fail($"warning: {d.Name}: {m}");
            Device = new Device("gpu", null, Environment) { Subsystem = Driver };
            Device.Power.SetAutosuspendDelay(0);
            Device.Power.UseAutosuspend();
            Device.Power.Enable();
        }

        public PmEnvironment Environment { get; }

        public GuardedDriver Driver { get; } = new();

        public Device Device { get; }

        /// <summary>Gets made while the gate was open, i.e. (nearly all) on the lock-free path.</summary>
        public long FastGets => Interlocked.Read(ref _fastGets);

        public void CountFastGet() => Interlocked.Increment(ref _fastGets);
    }

    // Bursts of get/hold/put-noidle pairs (the count crosses 0 at full speed with the gate open, so a suspend that read
    // 0 meets an increment right behind it), ended by a put that runs the state machine.
    private static void Getter(World world, int seed, int iterations)
    {
        var rng = new Random(seed);
        var pm = world.Device.Power;
        var done = 0;
        while (done < iterations)
        {
            var burst = rng.Next(1, 33);
            for (var i = 0; i < burst && done < iterations; i++, done++)
            {
                if (pm.FastPathOpen)
                {
                    world.CountFastGet();
                }

                var getSync = rng.Next(4) == 0;
                var r = getSync ? pm.GetSync() : pm.ResumeAndGet();
                if (r < 0)
                {
                    world.Driver.Fail($"{(getSync ? "GetSync" : "ResumeAndGet")} returned {Errno.Describe(r)}");
                    if (getSync)
                    {
                        pm.PutNoIdle();
                    }

                    continue;
                }

                world.Driver.Hold();
                CheckAccess(world, "after the get");
                Thread.SpinWait(rng.Next(0, 8));
                CheckAccess(world, "while holding");
                world.Driver.Release();
                if (i < burst - 1)
                {
                    pm.PutNoIdle();
                    continue;
                }

                var put = rng.Next(4) switch
                {
                    0 => pm.Put(),
                    1 => pm.PutAutosuspend(),
                    2 => pm.PutSync(),
                    _ => pm.PutSyncSuspend(),
                };
                if (Array.IndexOf(RaceResults, put) < 0)
                {
                    world.Driver.Fail($"put returned {Errno.Describe(put)}");
                }
            }
        }
    }

    private static void CheckAccess(World world, string when)
    {
        var status = world.Device.Power.Status;
        if (status != RpmStatus.Active || !world.Driver.Powered)
        {
            world.Driver.Fail($"device {status}, powered {world.Driver.Powered}, {when} (usage {world.Device.Power.UsageCount})");
        }
    }

    // Suspends in every flavour for as long as a getter runs (the getters' iteration counts bound it).
    private static void Suspender(World world, int seed, Func<bool> gettersRunning)
    {
        var rng = new Random(seed);
        var pm = world.Device.Power;
        while (gettersRunning())
        {
            var r = rng.Next(4) switch
            {
                0 => pm.Idle(),
                1 => pm.RequestIdle(),
                2 => pm.Autosuspend(),
                _ => pm.Suspend(),
            };
            if (Array.IndexOf(RaceResults, r) < 0)
            {
                world.Driver.Fail($"suspend returned {Errno.Describe(r)}");
            }
        }
    }

    private static void Run(World world, int baseSeed, int getters, int getterIterations)
    {
        var threads = new Thread[getters + 1];
        using var go = new ManualResetEventSlim();
        var running = getters;
        for (var t = 0; t < threads.Length; t++)
        {
            var seed = baseSeed + t;
            var isSuspender = t == getters;
            threads[t] = new Thread(() =>
            {
                try
                {
                    if (!go.Wait(Bound))
                    {
                        world.Driver.Fail($"thread with seed {seed} never got the start signal");
                        return;
                    }

                    if (isSuspender)
                    {
                        Suspender(world, seed, () => Volatile.Read(ref running) > 0);
                    }
                    else
                    {
                        try
                        {
                            Getter(world, seed, getterIterations);
                        }
                        finally
                        {
                            Interlocked.Decrement(ref running);
                        }
                    }
                }
                catch (Exception ex)
                {
                    world.Driver.Fail($"thread with seed {seed} threw {ex}");
                }
            })
            {
                IsBackground = true,
                Name = isSuspender ? "fast-path-suspender" : $"fast-path-getter-{t}",
            };
        }

        foreach (var t in threads)
        {
            t.Start();
        }

        go.Set();
        var deadline = DateTime.UtcNow + Bound;
        foreach (var t in threads)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(t.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero), $"{t.Name} did not finish (deadlock?), seed {baseSeed}");
        }

        Assert.True(world.Environment.WorkQueue.WaitForIdle(Bound), $"PM workqueue did not drain, seed {baseSeed}");
    }

    private static void Verify(World world, int baseSeed)
    {
        var pm = world.Device.Power;
        Assert.True(world.Driver.Failures.IsEmpty, $"seed {baseSeed}:\n{string.Join("\n", world.Driver.Failures)}");
        Assert.Equal(0, pm.UsageCount);
        Assert.Equal(0, pm.RuntimeError);
        Assert.Equal(0, pm.UnderflowWarnings);

        // The race really happened: gets on both paths, and suspends that went through between them.
        Assert.True(world.FastGets > 0, $"seed {baseSeed}: no get found the gate open");
        Assert.True(world.Driver.Suspends > 0 && world.Driver.Resumes > 0, $"seed {baseSeed}: {world.Driver.Suspends} suspends, {world.Driver.Resumes} resumes");

        // And it ends where a quiet device ends.
        pm.Barrier();
        var r = pm.Suspend();
        Assert.True(r is 0 or 1, $"seed {baseSeed}: final suspend returned {Errno.Describe(r)}");
        Assert.Equal(RpmStatus.Suspended, pm.Status);
        Assert.False(pm.FastPathOpen);
    }

    [Theory]
    [InlineData(1, 3_000_000, 20260001)]
    [InlineData(2, 1_000_000, 20260002)]
    public void ASuspendNeverSlipsPastALockFreeGet(int getters, int getsPerGetter, int baseSeed)
    {
        var world = new World();

        Run(world, baseSeed, getters, getsPerGetter);
        _output.WriteLine($"seed {baseSeed}: {world.FastGets} gets with the gate open, {world.Driver.Suspends} suspends, {world.Driver.Resumes} resumes");

        Verify(world, baseSeed);
    }
}
