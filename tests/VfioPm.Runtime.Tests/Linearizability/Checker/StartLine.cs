using System;
using System.Threading;

namespace VfioPm.Runtime.Tests.Linearizability.Checker;

/// <summary>
/// Lines the parallel threads up before their first call. CsCheck starts its threads and releases them together, but
/// on a busy two-core machine the first one to run usually takes every call before the second is even scheduled, and
/// nothing overlaps. A thread other than the one that built the subject (which runs the sequential part) waits, before
/// its first call, until a second such thread has arrived (or a second has passed: every parallel set has at least two calls, so the second thread always comes), spinning, so the calls really race.
/// </summary>
internal sealed class StartLine
{
    private readonly int _sequentialThread = Environment.CurrentManagedThreadId;
    private readonly ThreadLocal<bool> _arrived = new();
    private int _count;

    /// <summary>Call before each call; returns at once on the sequential thread and after the first call of a thread.</summary>
    public void Arrive()
    {
        if (Environment.CurrentManagedThreadId == _sequentialThread || _arrived.Value)
        {
            return;
        }

        _arrived.Value = true;
        Interlocked.Increment(ref _count);

        // A busy spin: SpinWait would soon sleep for a millisecond, and the other thread would be done by then.
        var deadline = Environment.TickCount64 + 1000;
        while (Volatile.Read(ref _count) < 2 && Environment.TickCount64 < deadline)
        {
            Thread.SpinWait(1);
        }
    }
}
