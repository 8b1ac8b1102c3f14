using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using VfioPm.Stress.Invariants;

namespace VfioPm.Stress.Running;

/// <summary>What a stress run (or a replay) did and found.</summary>
public sealed record StressReport
{
    /// <summary>The seed.</summary>
    public required int Seed { get; init; }

    /// <summary>How the run was made ("threads: 4", "single-threaded replay").</summary>
    public required string Mode { get; init; }

    /// <summary>Operations started by each thread (a replay has one "thread").</summary>
    public required IReadOnlyList<int> OperationsPerThread { get; init; }

    /// <summary>Wall-clock time.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Violations reported (at most <see cref="InvariantMonitor.MaxRecorded"/> kept).</summary>
    public required IReadOnlyList<Violation> Violations { get; init; }

    /// <summary>All violations, counted.</summary>
    public required int ViolationCount { get; init; }

    /// <summary>Hangs the watchdog caught (the run stops at the first).</summary>
    public required int Deadlocks { get; init; }

    /// <summary>The watchdog's dump of every device and thread, when it fired.</summary>
    public string? HangDump { get; init; }

    /// <summary>Completed runtime suspends during the run.</summary>
    public long Suspends { get; init; }

    /// <summary>Completed runtime resumes during the run.</summary>
    public long Resumes { get; init; }

    /// <summary>Outcome of every operation, in order (replays only; for determinism checks).</summary>
    public IReadOnlyList<string>? Outcomes { get; init; }

    /// <summary>The shortest failing prefix, when the run failed and shrinking was on.</summary>
    public ShrinkResult? Shrink { get; init; }

    /// <summary>Operations started in total.</summary>
    public long Operations => OperationsPerThread.Sum(n => (long)n);

    /// <summary>No violation and no hang.</summary>
    public bool Passed => ViolationCount == 0 && Deadlocks == 0;

    /// <summary>One line of figures.</summary>
    public string Summary =>
        $"seed {Seed}, {Mode}: {Operations} operations in {Elapsed.TotalSeconds:0.0} s, {Suspends} suspends, {Resumes} resumes, violations {ViolationCount}, deadlocks {Deadlocks}";

    /// <summary>How often the paired workloads met what they pair (rebinds, resets during SR-IOV enable, disable_idle_d3).</summary>
    public PairedWorkloadCounts? Paired { get; init; }

    /// <summary>Everything: summary, violations, hang dump, shrinking result.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine(Summary);
        if (Paired is not null)
        {
            text.Append("  paired workloads: ").AppendLine(Paired.ToString());
        }

        if (!Passed)
        {
            text.AppendLine($"FAILED — reproduce with --seed {Seed} (operations per thread: {string.Join(", ", OperationsPerThread)})");
        }

        foreach (var v in Violations.Take(10))
        {
            text.Append("  ").AppendLine(v.ToString());
        }

        if (HangDump is not null)
        {
            text.AppendLine("watchdog dump:").AppendLine(HangDump);
        }

        if (Shrink is not null)
        {
            text.Append(Shrink.Format());
        }

        return text.ToString();
    }
}
