using System.Collections.Generic;

namespace VfioPm.Runtime.Power;

/// <summary>
/// A <see cref="PmWorkQueue"/> that runs nothing on its own: the caller pumps it with <see cref="RunPending"/> or
/// <see cref="RunUntilIdle"/> on its own thread, so tests see each asynchronous step deterministically. Several threads
/// may pump at once (each item still runs on one of them at a time).
/// </summary>
public sealed class ManualPmWorkQueue : PmWorkQueue
{
    private readonly Queue<PmWork> _fifo = new();

    private protected override void Dispatch(PmWork work)
    {
        lock (Gate)
        {
            _fifo.Enqueue(work);
        }
    }

    /// <summary>Runs the items queued before this call (FIFO); items they queue wait for the next call. Returns how many ran.</summary>
    public int RunPending()
    {
        int batch;
        lock (Gate)
        {
            batch = _fifo.Count;
        }

        var ran = 0;
        for (var i = 0; i < batch; i++)
        {
            PmWork? work;
            lock (Gate)
            {
                // Another pump may have taken it since the count was read.
                if (!_fifo.TryDequeue(out work))
                {
                    break;
                }
            }

            if (RunIfPending(work))
            {
                ran++;
            }
        }

        return ran;
    }

    /// <summary>Pumps until nothing is queued, at most <paramref name="maxRounds"/> rounds; returns how many items ran.</summary>
    public int RunUntilIdle(int maxRounds = 1000)
    {
        var total = 0;
        for (var round = 0; round < maxRounds; round++)
        {
            var ran = RunPending();
            total += ran;
            lock (Gate)
            {
                if (_fifo.Count == 0)
                {
                    break;
                }
            }
        }

        return total;
    }
}
