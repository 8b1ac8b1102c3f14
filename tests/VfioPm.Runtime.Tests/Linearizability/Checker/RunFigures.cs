using System.Threading;

namespace VfioPm.Runtime.Tests.Linearizability.Checker;

/// <summary>What one check did: histories run on real threads, calls made, and schedules the explorer tried.</summary>
internal sealed class RunFigures
{
    private long _histories;
    private long _operations;
    private long _schedules;

    public long Histories => Interlocked.Read(ref _histories);

    public long Operations => Interlocked.Read(ref _operations);

    public long Schedules => Interlocked.Read(ref _schedules);

    public void History() => Interlocked.Increment(ref _histories);

    public void Operation() => Interlocked.Increment(ref _operations);

    public void Explored(long schedules) => Interlocked.Add(ref _schedules, schedules);

    /// <inheritdoc/>
    public override string ToString() => $"{Histories} histories, {Operations} operations, {Schedules} complete schedules explored";
}
