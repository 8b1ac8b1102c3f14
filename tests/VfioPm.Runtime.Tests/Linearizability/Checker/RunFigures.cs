using System.Threading;

namespace VfioPm.Runtime.Tests.Linearizability.Checker;

/// <summary>What one check did: histories run on real threads, calls made, and schedules the explorer tried.</summary>
internal sealed class RunFigures
{
    private long _histories;
    private long _operations;
    private long _schedules;
    private long _overlapping;

    public long Histories => Interlocked.Read(ref _histories);

    public long Operations => Interlocked.Read(ref _operations);

    public long Schedules => Interlocked.Read(ref _schedules);

    /// <summary>Histories in which calls on different threads really overlapped in time (the ones that test anything).</summary>
    public long Overlapping => Interlocked.Read(ref _overlapping);

    public void History() => Interlocked.Increment(ref _histories);

    public void Operation() => Interlocked.Increment(ref _operations);

    public void Explored(long schedules) => Interlocked.Add(ref _schedules, schedules);

    public void Overlapped() => Interlocked.Increment(ref _overlapping);

    /// <inheritdoc/>
    public override string ToString() => $"{Histories} histories ({Overlapping} with calls overlapping in time), {Operations} operations, {Schedules} complete schedules explored";
}
