using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using VfioPm.Runtime.Power;
using VfioPm.Stress.Invariants;
using VfioPm.Stress.Machine;
using VfioPm.Stress.Workload;

namespace VfioPm.Stress.Running;

/// <summary>
/// The concurrent run: worker threads play their seeded operation streams against one machine on the real clock and the
/// thread-pool PM workqueue, a sampler checks the continuous invariants, the watchdog guards against hangs, and the
/// end-of-run checks close everything and demand idle counts. A failure is shrunk to the shortest failing prefix.
/// </summary>
public static class StressRunner
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(2);

    /// <summary>Runs the workload described by <paramref name="options"/>.</summary>
    public static StressReport Run(StressOptions options)
    {
        var report = RunOnce(options, options.OperationsFor);
        if (!report.Passed && options.Shrink && report.Deadlocks == 0)
        {
            options.Log?.WriteLine($"failed: {report.Summary}; shrinking...");
            report = report with { Shrink = Shrinker.Shrink(options, report.OperationsPerThread) };
        }

        return report;
    }

    /// <summary>One concurrent run in which thread <c>t</c> runs at most <paramref name="budget"/>(t) operations.</summary>
    public static StressReport RunOnce(StressOptions options, Func<int, int> budget)
    {
        var clock = Stopwatch.StartNew();
        var environment = new PmEnvironment(TimeProvider.System, new ThreadPoolPmWorkQueue());
        var monitor = new InvariantMonitor();
        var stats = new RunStats(environment);
        var machine = StressMachine.Create(environment, monitor);
        options.OnMachineReady?.Invoke(machine);

        var pace = new RealTimePace();
        var started = new int[options.Threads];
        var stop = 0;
        var workerTraces = Enumerable.Range(0, options.Threads).Select(t => new ThreadTrace($"worker-{t}")).ToArray();
        var workers = Enumerable.Range(0, options.Threads).Select(t => new Thread(() =>
        {
            var trace = workerTraces[t];
            trace.Attach();
            var executor = new OperationExecutor(machine, pace);
            var stream = new OperationStream(options.Seed, t, options.Faults, options.PlantAt);
            var limit = budget(t);
            for (var i = 0; i < limit && Volatile.Read(ref stop) == 0 && monitor.Count == 0 && clock.Elapsed < options.Duration; i++)
            {
                var op = stream.Next();
                started[t] = i + 1;
                trace.Begin(i, op);
                trace.End(executor.Execute(op));
            }
        })
        { IsBackground = true, Name = $"stress-worker-{t}" }).ToArray();

        var samplerTrace = new ThreadTrace("sampler");
        var sampler = new Thread(() =>
        {
            samplerTrace.Attach();
            while (Volatile.Read(ref stop) == 0)
            {
                samplerTrace.Begin("sample invariants");
                monitor.Sample(machine);
                samplerTrace.End("ok");
                Thread.Sleep(SampleInterval);
            }
        })
        { IsBackground = true, Name = "stress-sampler" };

        foreach (var w in workers)
        {
            w.Start();
        }

        sampler.Start();
        var traces = workerTraces.Append(samplerTrace).ToList();
        var stuck = Watchdog.Wait(workers, traces, options.HangTimeout);
        Volatile.Write(ref stop, 1);
        if (stuck is null && !sampler.Join(options.HangTimeout))
        {
            stuck = samplerTrace;
        }

        if (stuck is null)
        {
            // The end-of-run checks get their own thread, so a hang there is caught too.
            var finalTrace = new ThreadTrace("final");
            traces.Add(finalTrace);
            var final = new Thread(() =>
            {
                finalTrace.Attach();
                FinalChecks.Run(machine, pace, finalTrace);
            })
            { IsBackground = true, Name = "stress-final" };
            final.Start();
            stuck = Watchdog.Wait(new[] { final }, new[] { finalTrace }, options.HangTimeout + FinalChecks.QuiesceTimeout);
        }

        string? dump = null;
        if (stuck is not null)
        {
            monitor.Report("no hang", $"{stuck.Name} stuck for more than {options.HangTimeout.TotalSeconds:0} s in {stuck.InFlight}");
            dump = StateDump.Capture(machine, traces);
        }

        return new StressReport
        {
            Seed = options.Seed,
            Mode = $"{options.Threads} threads",
            OperationsPerThread = started,
            Elapsed = clock.Elapsed,
            Violations = monitor.Violations,
            ViolationCount = monitor.Count,
            Deadlocks = stuck is null ? 0 : 1,
            HangDump = dump,
            Suspends = stats.Suspends,
            Resumes = stats.Resumes,
            Paired = machine.Paired,
        };
    }
}
