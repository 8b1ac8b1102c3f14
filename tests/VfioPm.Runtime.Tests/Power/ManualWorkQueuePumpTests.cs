using System;
using System.Threading;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>
/// Two threads pumping one <see cref="ManualPmWorkQueue"/> at once (the vfio-file linearizability check runs the PM
/// worker from two threads). Found by that check's long run: both pumps read a batch of one, the second dequeue threw
/// "Queue empty". Each queued item must run exactly once, and never on two threads at the same time.
/// </summary>
public sealed class ManualWorkQueuePumpTests
{
    [Fact]
    public void TwoPumpsAtOnceRunEachQueuedItemOnceAndNeverThrow()
    {
        var queue = new ManualPmWorkQueue();
        var runs = 0;
        var running = 0;
        var overlaps = 0;
        var work = new PmWork(() =>
        {
            if (Interlocked.Increment(ref running) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            Interlocked.Increment(ref runs);
            Interlocked.Decrement(ref running);
        });

        // Both pumps spin on the round number, so they enter RunPending within a few hundred nanoseconds of each other:
        // without the fix, both read a batch of one and the slower dequeue threw (in most runs of this test, within its 100 000 rounds).
        const int Rounds = 100000;
        var go = -1;
        var done = 0;
        Exception? failure = null;
        var ran = new int[2];
        var pumps = new Thread[2];
        for (var t = 0; t < 2; t++)
        {
            var id = t;
            pumps[t] = new Thread(() =>
            {
                for (var round = 0; round < Rounds && Volatile.Read(ref failure) is null; round++)
                {
                    if (id == 0)
                    {
                        while (Volatile.Read(ref done) < round * 2)
                        {
                            Thread.SpinWait(1);
                        }

                        queue.Queue(work);
                        Volatile.Write(ref go, round);
                    }
                    else
                    {
                        while (Volatile.Read(ref go) < round && Volatile.Read(ref failure) is null)
                        {
                            Thread.SpinWait(1);
                        }
                    }

                    try
                    {
                        ran[id] += queue.RunPending();
                    }
                    catch (Exception ex)
                    {
                        Interlocked.CompareExchange(ref failure, ex, null);
                    }

                    Interlocked.Increment(ref done);
                }
            });
            pumps[t].Start();
        }

        foreach (var pump in pumps)
        {
            Assert.True(pump.Join(TimeSpan.FromSeconds(60)));
        }

        Assert.Null(failure);
        Assert.Equal(Rounds, runs);
        Assert.Equal(Rounds, ran[0] + ran[1]);
        Assert.Equal(0, overlaps);
        Assert.True(queue.IsIdle);
    }
}
