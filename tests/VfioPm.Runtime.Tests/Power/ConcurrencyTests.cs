using System;
using System.Collections.Concurrent;
using System.Threading;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// Real threads on the thread-pool workqueue and the system clock: get/put pairs racing idle, suspend and the
/// autosuspend timer on a parent with two children. Every wait is bounded; a hang fails the test instead.
/// </summary>
public sealed class ConcurrencyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // Results an idle/suspend/put may legitimately give while other threads race it (anything else, e.g. -EINVAL
    // from an underflow or a latched error, or -EACCES, is a bug).
    private static readonly int[] RaceResults = { 0, 1, -Errno.EAGAIN, -Errno.EBUSY, -Errno.EINPROGRESS };

    private sealed class World
    {
        private int _busyAnswers;

        // busySeed: null for callbacks that always succeed; else suspend (1 in 3) and idle (1 in 5) callbacks
        // randomly answer -EBUSY, from a Random seeded with it.
        public World(int? busySeed)
        {
            Environment = new PmEnvironment(TimeProvider.System, new ThreadPoolPmWorkQueue());
            Environment.Warning += (d, m) => Warnings.Enqueue($"{d.Name}: {m}");
            Environment.Transition += OnTransition;
            Parent = Add("parent", null, busySeed);
            ChildA = Add("child-a", Parent, busySeed + 1);
            ChildB = Add("child-b", Parent, busySeed + 2);

            // child-b autosuspends after 1 ms, so the real timer races everything else too.
            ChildB.Power.SetAutosuspendDelay(1);
            ChildB.Power.UseAutosuspend();

            Devices = new[] { Parent, ChildA, ChildB };
        }

        public PmEnvironment Environment { get; }

        public Device Parent { get; }

        public Device ChildA { get; }

        public Device ChildB { get; }

        public Device[] Devices { get; }

        public ConcurrentQueue<string> Warnings { get; } = new();

        public ConcurrentQueue<string> Failures { get; } = new();

        /// <summary>How many times a callback answered -EBUSY.</summary>
        public int BusyAnswers => Volatile.Read(ref _busyAnswers);

        public void Fail(string message)
        {
            if (Failures.Count < 20)
            {
                Failures.Enqueue(message);
            }
        }

        public static RecordingCallbacks Callbacks(Device device) => (RecordingCallbacks)device.Subsystem!;

        private int Busy(Random rng, int oneIn)
        {
            lock (rng)
            {
                if (rng.Next(oneIn) != 0)
                {
                    return 0;
                }
            }

            Interlocked.Increment(ref _busyAnswers);
            return -Errno.EBUSY;
        }

        private static int Work(int result)
        {
            Thread.SpinWait(200);
            return result;
        }

        private Device Add(string name, Device? parent, int? busySeed)
        {
            var device = new Device(name, parent, Environment);
            var callbacks = new RecordingCallbacks();

            // Callbacks do a little work, so transitions stay in flight long enough for other threads to meet them.
            callbacks.OnSuspend = _ => Work(0);
            callbacks.OnResume = _ => Work(0);
            callbacks.OnIdle = _ => Work(0);
            if (busySeed is { } seed)
            {
                var rng = new Random(seed);
                callbacks.OnSuspend = _ => Work(Busy(rng, oneIn: 3));
                callbacks.OnIdle = _ => Work(Busy(rng, oneIn: 5));
            }

            device.Subsystem = callbacks;
            device.Power.Enable();
            return device;
        }

        // Raised under the device's power lock. Checks that each transition is a legal step, that a child only moves
        // while its parent is active, and that a parent only starts suspending with no active child.
        private void OnTransition(RpmTransition t)
        {
            var legal = (t.From, t.To) switch
            {
                (RpmStatus.Active, RpmStatus.Suspending) => true,
                (RpmStatus.Suspending, RpmStatus.Suspended) => true,
                (RpmStatus.Suspending, RpmStatus.Active) => true,
                (RpmStatus.Suspended, RpmStatus.Resuming) => true,
                (RpmStatus.Resuming, RpmStatus.Active) => true,
                (RpmStatus.Resuming, RpmStatus.Suspended) => true,
                _ => false,
            };
            if (!legal)
            {
                Fail($"illegal transition {t.Device.Name}: {t.From} -> {t.To}");
            }

            if (t.Device.Parent is { } parent && parent.Power.Status != RpmStatus.Active)
            {
                Fail($"{t.Device.Name} moved {t.From} -> {t.To} while its parent was {parent.Power.Status}");
            }

            if (t.Device.Parent is null && t.To == RpmStatus.Suspending && t.ChildCount != 0)
            {
                Fail($"{t.Device.Name} started suspending with {t.ChildCount} active children");
            }
        }
    }

    private static void AccessCheck(World world, Device device, string what)
    {
        if (device.Power.Status != RpmStatus.Active)
        {
            world.Fail($"access check after {what}: {device.Name} is {device.Power.Status}");
        }

        if (device.Parent is { } parent && parent.Power.Status != RpmStatus.Active)
        {
            world.Fail($"access check after {what}: parent of {device.Name} is {parent.Power.Status}");
        }
    }

    private static void Expect(World world, Device device, string what, int result, params int[] allowed)
    {
        if (Array.IndexOf(allowed, result) < 0)
        {
            world.Fail($"{device.Name}.{what} returned {Errno.Describe(result)}");
        }
    }

    private static void Hammer(World world, int seed, int iterations)
    {
        var rng = new Random(seed);
        for (var i = 0; i < iterations; i++)
        {
            var dev = world.Devices[rng.Next(world.Devices.Length)];
            var pm = dev.Power;
            switch (rng.Next(8))
            {
                case 0:
                case 1:
                {
                    var r = pm.ResumeAndGet();
                    Expect(world, dev, "ResumeAndGet", r, 0);
                    if (r != 0)
                    {
                        break;
                    }

                    AccessCheck(world, dev, "ResumeAndGet");
                    switch (rng.Next(4))
                    {
                        case 0:
                            Expect(world, dev, "Put", pm.Put(), RaceResults);
                            break;
                        case 1:
                            Expect(world, dev, "PutSync", pm.PutSync(), RaceResults);
                            break;
                        case 2:
                            Expect(world, dev, "PutSyncSuspend", pm.PutSyncSuspend(), RaceResults);
                            break;
                        default:
                            Expect(world, dev, "PutAutosuspend", pm.PutAutosuspend(), RaceResults);
                            break;
                    }

                    break;
                }

                case 2:
                {
                    var r = pm.GetSync();
                    Expect(world, dev, "GetSync", r, 0, 1);
                    if (r >= 0)
                    {
                        AccessCheck(world, dev, "GetSync");
                    }

                    Expect(world, dev, "PutAutosuspend", pm.PutAutosuspend(), RaceResults);
                    break;
                }

                case 3:
                    Expect(world, dev, "RequestIdle", pm.RequestIdle(), RaceResults);
                    break;
                case 4:
                    Expect(world, dev, "Suspend", pm.Suspend(), RaceResults);
                    break;
                case 5:
                    Expect(world, dev, "Idle", pm.Idle(), RaceResults);
                    break;
                case 6:
                {
                    var r = pm.GetIfActive();
                    Expect(world, dev, "GetIfActive", r, 0, 1);
                    if (r == 1)
                    {
                        AccessCheck(world, dev, "GetIfActive");
                        Expect(world, dev, "PutSync", pm.PutSync(), RaceResults);
                    }

                    break;
                }

                default:
                    Expect(world, dev, "Get", pm.Get(), 0, 1, -Errno.EINPROGRESS);
                    Expect(world, dev, "Put", pm.Put(), RaceResults);
                    break;
            }
        }
    }

    private static void Run(World world, int threads, int iterations, int baseSeed)
    {
        var workers = new Thread[threads];
        using var go = new ManualResetEventSlim();
        for (var t = 0; t < threads; t++)
        {
            var seed = baseSeed + t;
            workers[t] = new Thread(() =>
            {
                try
                {
                    // Start together, so the threads really overlap.
                    if (!go.Wait(Bound))
                    {
                        world.Fail($"thread with seed {seed} never got the start signal");
                        return;
                    }

                    Hammer(world, seed, iterations);
                }
                catch (Exception ex)
                {
                    world.Fail($"thread with seed {seed} threw {ex}");
                }
            })
            {
                IsBackground = true,
                Name = $"pm-hammer-{t}",
            };
        }

        foreach (var w in workers)
        {
            w.Start();
        }

        go.Set();

        var deadline = DateTime.UtcNow + Bound;
        foreach (var w in workers)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(w.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero), $"{w.Name} did not finish (deadlock?), seed {baseSeed}");
        }

        Assert.True(world.Environment.WorkQueue.WaitForIdle(Bound), $"PM workqueue did not drain, seed {baseSeed}");
    }

    // Brings everything down deterministically and checks the end state.
    private static void SettleAndVerify(World world, int baseSeed)
    {
        var seedInfo = $"seed {baseSeed}";
        Assert.True(world.Failures.IsEmpty, $"{seedInfo}:\n{string.Join("\n", world.Failures)}");
        foreach (var d in world.Devices)
        {
            Assert.True(d.Power.UsageCount == 0, $"{seedInfo}: {d.Power} leaked usage references");
            Assert.True(d.Power.RuntimeError == 0, $"{seedInfo}: {d.Power} latched an error");
        }

        foreach (var d in world.Devices)
        {
            var cb = World.Callbacks(d);
            cb.OnSuspend = _ => 0;
            cb.OnIdle = _ => 0;
        }

        foreach (var child in new[] { world.ChildA, world.ChildB })
        {
            child.Power.Barrier();
            var r = child.Power.Suspend();
            Assert.True(r is 0 or 1, $"{seedInfo}: final suspend of {child.Power} returned {Errno.Describe(r)}");
        }

        Assert.True(world.Environment.WorkQueue.WaitForIdle(Bound), seedInfo);
        world.Parent.Power.Barrier();
        var pr = world.Parent.Power.Suspend();
        Assert.True(pr is 0 or 1, $"{seedInfo}: final suspend of {world.Parent.Power} returned {Errno.Describe(pr)}");
        Assert.True(world.Environment.WorkQueue.WaitForIdle(Bound), seedInfo);

        foreach (var d in world.Devices)
        {
            Assert.True(d.Power.Status == RpmStatus.Suspended, $"{seedInfo}: {d.Power}");
            Assert.True(d.Power.UsageCount == 0, $"{seedInfo}: {d.Power}");
            Assert.True(d.Power.ChildCount == 0, $"{seedInfo}: {d.Power}");
            Assert.True(d.Power.UnderflowWarnings == 0, $"{seedInfo}: {d.Power} underflowed");
            Assert.True(World.Callbacks(d).Overlaps == 0, $"{seedInfo}: {d.Name} ran {World.Callbacks(d).Overlaps} overlapping callbacks");
            Assert.True(World.Callbacks(d).Resumes > 0, $"{seedInfo}: {d.Name} never resumed; the race did not happen");
        }

        Assert.True(world.Failures.IsEmpty, $"{seedInfo}:\n{string.Join("\n", world.Failures)}");
        Assert.True(world.Warnings.IsEmpty, $"{seedInfo}:\n{string.Join("\n", world.Warnings)}");
    }

    [Fact]
    public void GetPutPairsRacingIdleAndSuspendLeaveEverythingBalanced()
    {
        var baseSeed = System.Environment.TickCount;
        var world = new World(busySeed: null);

        Run(world, threads: 8, iterations: 2000, baseSeed);

        SettleAndVerify(world, baseSeed);
    }

    [Fact]
    public void RacingWithCallbacksThatSayBusyLeavesEverythingBalanced()
    {
        var baseSeed = System.Environment.TickCount;
        var world = new World(busySeed: baseSeed);

        Run(world, threads: 6, iterations: 1500, baseSeed);

        SettleAndVerify(world, baseSeed);
        Assert.True(world.BusyAnswers > 0, $"seed {baseSeed}: no callback ever answered -EBUSY; the test did not test anything");
    }
}
