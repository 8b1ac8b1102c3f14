using System;
using System.Threading;

namespace VfioPm.Benchmarks.Runtime;

/// <summary>
/// Runs one body on the calling thread and one on a second, dedicated thread at the same time, and returns when both
/// are done. The second thread spins between runs (it exists only while a two-thread benchmark runs), so a run starts
/// without a wake-up latency that would blur a few milliseconds of work.
/// </summary>
public sealed class PairedThreads : IDisposable
{
    private readonly Thread _thread;
    private Action? _body;
    private int _generation;
    private int _completed;
    private volatile bool _stop;

    /// <summary>Starts the second thread.</summary>
    public PairedThreads()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "bench-second-thread" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="here"/> on this thread and <paramref name="there"/> on the second one, concurrently.</summary>
    public void Run(Action here, Action there)
    {
        _body = there;
        var generation = Interlocked.Increment(ref _generation);
        here();
        while (Volatile.Read(ref _completed) != generation)
        {
            Thread.SpinWait(8);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Loop()
    {
        var seen = 0;
        while (!_stop)
        {
            var generation = Volatile.Read(ref _generation);
            if (generation == seen)
            {
                Thread.SpinWait(8);
                continue;
            }

            _body!();
            seen = generation;
            Volatile.Write(ref _completed, generation);
        }
    }
}
