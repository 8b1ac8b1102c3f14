using System;
using System.IO;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Running;

/// <summary>Bounds and knobs of a stress run.</summary>
public sealed record StressOptions
{
    /// <summary>The seed: the operation streams (and so a replay) depend on it alone.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Operations in total, spread over the threads.</summary>
    public long Operations { get; init; } = 100_000;

    /// <summary>Wall-clock bound: workers stop when it is reached even if operations remain.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Worker threads.</summary>
    public int Threads { get; init; } = 4;

    /// <summary>Include fault injection (transient suspend failures, failed power-offs) in the workload.</summary>
    public bool Faults { get; init; } = true;

    /// <summary>An operation running longer than this is a hang (deadlock or lost wake-up).</summary>
    public TimeSpan HangTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>On failure, look for the shortest failing prefix.</summary>
    public bool Shrink { get; init; } = true;

    /// <summary>How long shrinking may search; it stops with the shortest failing prefix found so far.</summary>
    public TimeSpan ShrinkTimeLimit { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Tests only: operation number of thread 0 that becomes a deliberately unbalanced put; -1 for none.</summary>
    public int PlantAt { get; init; } = -1;

    /// <summary>Tests only: called once the machine is built, before the workers start.</summary>
    public Action<StressMachine>? OnMachineReady { get; init; }

    /// <summary>Where progress lines go, or <see langword="null"/>.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Operations thread <paramref name="thread"/> runs at most.</summary>
    public int OperationsFor(int thread) =>
        (int)Math.Min(int.MaxValue, (Operations / Threads) + (thread < Operations % Threads ? 1 : 0));
}
