using System;
using System.Linq;
using System.Threading;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Tracing;

/// <summary>
/// Tracing switched on while real threads run gets and puts on an Active device (the lock-free fast path): every get
/// that starts after <see cref="PmEnvironment.AttachTraceSink"/> returns is traced (its rpm_resume), every put that
/// leaves the count above zero is traced (its rpm_usage), results are those of the untraced runtime, and once detached
/// the fast path comes back. Seeded: each thread's pauses come from its own <see cref="Random"/>; bounded by iteration
/// counts, with a join deadline that turns a hang into a failure.
/// </summary>
public sealed class TracingRaceTests
{
    private const int Threads = 3;
    private const int Pairs = 4000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void GetsAndPutsStartedAfterAttachAreAllTraced(int seed)
    {
        var env = new PmEnvironment(TimeProvider.System, new ThreadPoolPmWorkQueue());
        var gpu = new Device("gpu", null, env) { Subsystem = new RecordingCallbacks() };
        Assert.Equal(0, gpu.Power.SetActive());
        gpu.Power.Enable();
        Assert.Equal(0, gpu.Power.ResumeAndGet()); // held in use throughout: every get returns 0 and every put 0
        Assert.True(gpu.Power.FastPathOpen);

        var log = new RpmTraceLog();
        var attached = 0;
        var afterAttach = new int[Threads];
        var failures = 0;
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var random = new Random(seed * 100 + t);
            for (var i = 0; i < Pairs; i++)
            {
                var counted = Volatile.Read(ref attached) != 0; // read before the get starts
                if (gpu.Power.ResumeAndGet() != 0 | gpu.Power.Put() != 0)
                {
                    Interlocked.Increment(ref failures);
                }

                if (counted)
                {
                    afterAttach[t]++;
                }

                if (random.Next(64) == 0)
                {
                    Thread.Yield();
                }
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        Thread.Sleep(new Random(seed).Next(1, 5));
        var attachment = env.AttachTraceSink(log);
        Volatile.Write(ref attached, 1);
        Assert.All(workers, w => Assert.True(w.Join(Bound), "a worker hung"));
        attachment.Dispose();

        Assert.Equal(0, failures);
        Assert.Equal(1, gpu.Power.UsageCount);
        var events = log.Events;
        var tracedGets = events.Count(e => e.Point == RpmTracepoint.Resume && e.Flags == 4);
        var tracedPuts = events.Count(e => e.Point == RpmTracepoint.Usage && e.Flags == 5);
        var required = afterAttach.Sum();
        Assert.True(tracedGets >= required, $"{tracedGets} gets traced, {required} started after the attach returned");
        Assert.True(tracedPuts >= required, $"{tracedPuts} puts traced, {required} started after the attach returned");
        Assert.Equal(tracedGets, events.Count(e => e.Point == RpmTracepoint.ReturnInt && e.Function == "rpm_resume" && e.Return == 1));
        Assert.All(events.Where(e => e.Point == RpmTracepoint.Resume), e => Assert.True(e.UsageCount >= 2));

        // Detached: the next locked operation reopens the gate; nothing more is written.
        var written = events.Count;
        Assert.Equal(0, gpu.Power.ResumeAndGet());
        Assert.True(gpu.Power.FastPathOpen);
        Assert.Equal(0, gpu.Power.Put());
        Assert.Equal(written, log.Events.Count);
    }
}
