using System;
using System.Linq;
using System.Threading;
using VfioPm.Stress.Machine;
using VfioPm.Stress.Running;
using VfioPm.Stress.Workload;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Reliability;

/// <summary>
/// The short CI run of the stress harness (tests/VfioPm.Stress; the README has the long run), and proof that the
/// harness itself works: a planted bug is caught and shrunk to the operation that made it, replays are deterministic,
/// and a hang becomes a failure with a dump.
/// </summary>
public sealed class StressRunTests
{
    private readonly ITestOutputHelper _out;

    public StressRunTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void ShortConcurrentRunKeepsEveryInvariant()
    {
        var report = StressRunner.Run(new StressOptions
        {
            Seed = 8,
            Threads = 4,
            Operations = 1_000_000,
            Duration = TimeSpan.FromSeconds(12),
            HangTimeout = TimeSpan.FromSeconds(30),
            ShrinkTimeLimit = TimeSpan.FromMinutes(1),
        });
        _out.WriteLine(report.Format());
        Assert.True(report.Passed, report.Format());

        // It must really have run and taken devices down and up, or it proves nothing.
        Assert.True(report.Operations >= 10_000, report.Summary);
        Assert.True(report.Suspends >= 100 && report.Resumes >= 100, report.Summary);

        // And the paired workloads must have met what they pair.
        var paired = report.Paired!;
        Assert.True(paired.RebindsWithFilesOpen > 0, paired.ToString());
        Assert.True(paired.ResetsThatSawVfs > 0, paired.ToString());
        Assert.True(paired.DisableIdleD3Suspends > 0, paired.ToString());
        Assert.True(paired.ResetsOverDisableIdleD3 > 0, paired.ToString());
    }

    [Fact]
    public void APlantedUnbalancedPutIsCaughtAndShrunkToTheOperationThatMadeIt()
    {
        var options = new StressOptions { Seed = 5, Threads = 4, PlantAt = 300 };
        var perThread = new[] { 600, 600, 600, 600 };
        var merged = ReplayRunner.Interleave(options, perThread);
        var planted = merged.ToList().FindIndex(op => op.Kind == OpKind.PlantedExtraPut);
        Assert.Equal(300 * 4, planted); // round-robin: thread 0's op 300 comes after 300 ops of each thread

        var clean = ReplayRunner.Run(options.Seed, merged.Take(planted).ToArray());
        Assert.True(clean.Passed, clean.Format());
        var failing = ReplayRunner.Run(options.Seed, merged);
        Assert.False(failing.Passed);

        var shrunk = Shrinker.Shrink(options, perThread);
        Assert.NotNull(shrunk);
        _out.WriteLine(shrunk!.Format());
        Assert.Equal("single-threaded replay", shrunk.How);
        Assert.Equal(planted + 1, shrunk.Prefix.Count);
        Assert.Equal(OpKind.PlantedExtraPut, shrunk.Prefix[^1].Kind);
        Assert.Contains(shrunk.Violations, v => v.Invariant == "no runtime-PM warning" && v.Detail.Contains("underflow", StringComparison.Ordinal));
    }

    [Fact]
    public void AReplayOfTheSameOperationsGivesTheSameOutcomes()
    {
        var options = new StressOptions { Seed = 3 };
        var ops = ReplayRunner.Interleave(options, new[] { 800, 800, 800, 800 });
        var first = ReplayRunner.Run(options.Seed, ops, recordOutcomes: true);
        var second = ReplayRunner.Run(options.Seed, ops, recordOutcomes: true);
        Assert.True(first.Passed, first.Format());
        Assert.Equal(first.Outcomes, second.Outcomes);
        Assert.Equal(first.Suspends, second.Suspends);

        // Outcomes depend on the seed: another seed's operations do other things.
        var other = ReplayRunner.Run(4, ReplayRunner.Interleave(options with { Seed = 4 }, new[] { 800, 800, 800, 800 }), recordOutcomes: true);
        Assert.NotEqual(first.Outcomes, other.Outcomes);
    }

    [Fact]
    public void TheWatchdogTurnsAHangIntoAFailureWithADumpOfDevicesAndThreads()
    {
        // Someone takes the GPU's memory_lock and never lets go: the next resume of the GPU (its callback takes the
        // lock) hangs, and every thread that then waits for the GPU with it.
        using var release = new ManualResetEventSlim();
        using var held = new ManualResetEventSlim();
        Thread? holder = null;
        var report = StressRunner.Run(new StressOptions
        {
            Seed = 2,
            Threads = 4,
            Operations = 1_000_000,
            Duration = TimeSpan.FromSeconds(60),
            HangTimeout = TimeSpan.FromSeconds(1),
            OnMachineReady = machine =>
            {
                var gpu = machine.Devices[0].Vdev;
                holder = new Thread(() =>
                {
                    gpu.MemoryLock.DownWrite();
                    held.Set();
                    release.Wait();
                    gpu.MemoryLock.UpWrite();
                })
                { IsBackground = true };
                holder.Start();
                held.Wait();
            },
        });
        release.Set();
        _out.WriteLine(report.Format());

        Assert.False(report.Passed);
        Assert.Equal(1, report.Deadlocks);
        Assert.Contains(report.Violations, v => v.Invariant == "no hang");
        Assert.NotNull(report.HangDump);
        Assert.Contains("IN FLIGHT", report.HangDump, StringComparison.Ordinal);
        Assert.Contains("0000:02:00.0", report.HangDump, StringComparison.Ordinal);
        Assert.Contains("memory_lock: writer=True", report.HangDump, StringComparison.Ordinal);
        Assert.True(holder!.Join(TimeSpan.FromSeconds(30)));
    }
}
