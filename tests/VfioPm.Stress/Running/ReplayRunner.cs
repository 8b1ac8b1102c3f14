using System;
using System.Collections.Generic;
using System.Diagnostics;
using VfioPm.Runtime.Power;
using VfioPm.Stress.Invariants;
using VfioPm.Stress.Machine;
using VfioPm.Stress.Workload;

namespace VfioPm.Stress.Running;

/// <summary>
/// Replays an operation sequence on one thread over a deterministic platform (manual clock and workqueue): the same
/// sequence always gives the same outcomes, which is what makes shrinking possible.
/// </summary>
public static class ReplayRunner
{
    /// <summary>The operations of a concurrent run in replay order: round-robin over the threads' streams.</summary>
    public static IReadOnlyList<Operation> Interleave(StressOptions options, IReadOnlyList<int> operationsPerThread)
    {
        var streams = new List<IReadOnlyList<Operation>>();
        var longest = 0;
        for (var t = 0; t < operationsPerThread.Count; t++)
        {
            streams.Add(OperationStream.Take(options.Seed, t, operationsPerThread[t], options.Faults, options.PlantAt));
            longest = Math.Max(longest, operationsPerThread[t]);
        }

        var merged = new List<Operation>();
        for (var i = 0; i < longest; i++)
        {
            foreach (var stream in streams)
            {
                if (i < stream.Count)
                {
                    merged.Add(stream[i]);
                }
            }
        }

        return merged;
    }

    /// <summary>Replays <paramref name="operations"/>, then runs the end-of-run checks (unless a violation came first).</summary>
    public static StressReport Run(int seed, IReadOnlyList<Operation> operations, bool recordOutcomes = false)
    {
        var clock = Stopwatch.StartNew();
        var environment = PmEnvironment.CreateDeterministic();
        var monitor = new InvariantMonitor();
        var stats = new RunStats(environment);
        var machine = StressMachine.Create(environment, monitor);
        var pace = new ReplayPace();
        var executor = new OperationExecutor(machine, pace);
        var trace = new ThreadTrace("replay");
        var previous = trace.Attach();
        var outcomes = recordOutcomes ? new List<string>() : null;
        var done = 0;
        try
        {
            foreach (var op in operations)
            {
                trace.Begin(done, op);
                var outcome = executor.Execute(op);
                trace.End(outcome);
                outcomes?.Add(outcome);
                done++;
                if (monitor.Count != 0)
                {
                    break;
                }
            }

            if (monitor.Count == 0)
            {
                FinalChecks.Run(machine, pace, trace);
            }
        }
        finally
        {
            ThreadTrace.Restore(previous);
        }

        return new StressReport
        {
            Seed = seed,
            Mode = "single-threaded replay",
            OperationsPerThread = new[] { done },
            Elapsed = clock.Elapsed,
            Violations = monitor.Violations,
            ViolationCount = monitor.Count,
            Deadlocks = 0,
            Suspends = stats.Suspends,
            Resumes = stats.Resumes,
            Paired = machine.Paired,
            Outcomes = outcomes,
        };
    }
}
