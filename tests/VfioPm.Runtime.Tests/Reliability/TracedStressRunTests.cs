using System;
using System.IO;
using System.Threading;
using VfioPm.Runtime.Power;
using VfioPm.Stress.Running;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Reliability;

/// <summary>
/// The stress harness with the rpm tracepoints on: a sink attached for the whole run (every get then takes the locked,
/// traced path) must change no result and break no invariant, and formatting every event as ftrace text from many
/// threads at once must not throw.
/// </summary>
public sealed class TracedStressRunTests
{
    private readonly ITestOutputHelper _out;

    public TracedStressRunTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void AShortConcurrentRunWithTracingOnKeepsEveryInvariant()
    {
        using var ftrace = new RpmFtraceWriter(TextWriter.Null, task: "stress");
        var counter = new CountingSink(ftrace);
        var report = StressRunner.Run(new StressOptions
        {
            Seed = 11,
            Threads = 4,
            Operations = 1_000_000,
            Duration = TimeSpan.FromSeconds(3),
            HangTimeout = TimeSpan.FromSeconds(30),
            ShrinkTimeLimit = TimeSpan.FromSeconds(30),
            OnMachineReady = machine => machine.Environment.AttachTraceSink(counter),
        });
        _out.WriteLine(report.Format());

        Assert.True(report.Passed, report.Format());
        Assert.True(report.Suspends >= 10 && report.Resumes >= 10, report.Summary);
        Assert.True(counter.Count > 1000, $"{counter.Count} events");
        Assert.Equal(counter.Count, ftrace.Count);
    }

    // Counts what it passes on, so the writer's own count can be checked against it.
    private sealed class CountingSink(IRpmTraceSink inner) : IRpmTraceSink
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Write(in RpmTraceEvent traceEvent)
        {
            inner.Write(traceEvent);
            Interlocked.Increment(ref _count);
        }
    }
}
