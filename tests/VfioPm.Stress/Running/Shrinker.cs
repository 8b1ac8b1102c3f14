using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using VfioPm.Stress.Workload;

namespace VfioPm.Stress.Running;

/// <summary>
/// Finds the shortest failing prefix of a failed run. First single-threaded and deterministic: replay the run's
/// operations in round-robin order; if that fails, grow a prefix exponentially until it fails, then bisect. If the
/// failure needs real interleavings, bisect the per-thread budget of concurrent reruns instead (a few attempts each).
/// </summary>
public static class Shrinker
{
    /// <summary>Concurrent reruns tried per budget before calling it passing.</summary>
    public const int ThreadedAttempts = 3;

    /// <summary>Shrinks the failure of a run with <paramref name="operationsPerThread"/>; <see langword="null"/> if no rerun failed.</summary>
    public static ShrinkResult? Shrink(StressOptions options, IReadOnlyList<int> operationsPerThread)
    {
        var merged = ReplayRunner.Interleave(options, operationsPerThread);
        var clock = Stopwatch.StartNew();
        var runs = 0;
        StressReport Replay(int length)
        {
            runs++;
            options.Log?.WriteLine($"  replaying {length} operations single-threaded...");
            return ReplayRunner.Run(options.Seed, merged.Take(length).ToArray());
        }

        var full = Replay(merged.Count);
        if (!full.Passed)
        {
            var (length, report) = SmallestFailing(merged.Count, full, Replay, () => clock.Elapsed > options.ShrinkTimeLimit);
            return new ShrinkResult(Stopped("single-threaded replay", clock, options), merged.Take(length).ToArray(), report.Violations, runs);
        }

        return ShrinkThreaded(options, operationsPerThread, runs, clock);
    }

    /// <summary>
    /// The smallest n in 1..<paramref name="total"/> for which <paramref name="run"/> fails, given that it fails at
    /// <paramref name="total"/>; when <paramref name="stop"/> says so, the smallest failing n found so far.
    /// </summary>
    public static (int Length, StressReport Report) SmallestFailing(int total, StressReport failingAtTotal, Func<int, StressReport> run, Func<bool>? stop = null)
    {
        stop ??= () => false;
        // Exponential probe first: failures are usually early, and short replays are cheap.
        var passing = 0;
        var failing = total;
        var failingReport = failingAtTotal;
        for (var probe = 64; probe < total && !stop(); probe *= 2)
        {
            var report = run(probe);
            if (!report.Passed)
            {
                failing = probe;
                failingReport = report;
                break;
            }

            passing = probe;
        }

        while (failing - passing > 1 && !stop())
        {
            var mid = passing + ((failing - passing) / 2);
            var report = run(mid);
            if (report.Passed)
            {
                passing = mid;
            }
            else
            {
                failing = mid;
                failingReport = report;
            }
        }

        return (failing, failingReport);
    }

    private static ShrinkResult? ShrinkThreaded(StressOptions options, IReadOnlyList<int> operationsPerThread, int runs, Stopwatch clock)
    {
        var longest = operationsPerThread.Max();
        StressReport? Fails(int budget)
        {
            for (var attempt = 0; attempt < ThreadedAttempts; attempt++)
            {
                runs++;
                options.Log?.WriteLine($"  rerunning with {budget} operations per thread (attempt {attempt + 1})...");
                var report = StressRunner.RunOnce(options, t => Math.Min(budget, operationsPerThread[t]));
                if (!report.Passed)
                {
                    return report;
                }
            }

            return null;
        }

        var failing = longest;
        var failingReport = Fails(longest);
        if (failingReport is null)
        {
            return null;
        }

        var passing = 0;
        while (failing - passing > Math.Max(1, longest / 64) && clock.Elapsed < options.ShrinkTimeLimit)
        {
            var mid = passing + ((failing - passing) / 2);
            var report = Fails(mid);
            if (report is null)
            {
                passing = mid;
            }
            else
            {
                failing = mid;
                failingReport = report;
            }
        }

        var prefix = ReplayRunner.Interleave(options, operationsPerThread.Select(n => Math.Min(n, failing)).ToArray());
        return new ShrinkResult(Stopped($"threaded, {failing} operations per thread; single-threaded replay passes", clock, options), prefix, failingReport.Violations, runs);
    }

    private static string Stopped(string how, Stopwatch clock, StressOptions options) =>
        clock.Elapsed > options.ShrinkTimeLimit ? $"{how}; search stopped at the {options.ShrinkTimeLimit.TotalMinutes:0.#} min limit" : how;
}
