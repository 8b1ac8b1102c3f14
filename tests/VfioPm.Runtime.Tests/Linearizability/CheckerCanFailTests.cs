using System;
using System.Linq;
using VfioPm.Runtime.Tests.Linearizability.Model;
using System.Threading;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Linearizability.Checker;
using VfioPm.Runtime.Tests.Linearizability.RuntimePmApi;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Linearizability;

/// <summary>
/// The checker must be able to fail: run against the real runtime with one deliberately broken step
/// (RuntimePmApi/BrokenSubjects.cs), it must find a counterexample, shrink it and print it with a seed.
/// </summary>
public sealed class CheckerCanFailTests
{
    private static readonly RpmOpKind[] PutsAndGets =
    {
        RpmOpKind.Put, RpmOpKind.PutSync, RpmOpKind.GetNoResume, RpmOpKind.GetSync, RpmOpKind.Suspend,
    };

    private readonly ITestOutputHelper _output;

    public CheckerCanFailTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void ANonAtomicPutIsCaughtWithAShrunkHistoryAndASeed()
    {
        var message = ExpectCounterexample(PutsAndGets, s => new NonAtomicPutSubject(s), iterations: 60); // about 6 in 10 histories fail
        Assert.Contains("Put", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonAtomicPutIsCaughtOnTheThreadPoolWorkqueueToo()
    {
        // With the worker placed by the explorer anywhere between segments, the search is wider: it must still refuse.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        try
        {
            var message = ExpectCounterexample(PutsAndGets, s => new NonAtomicPutSubject(s, threadPool: true), iterations: 60, threadPool: true);
            Assert.Contains("Put", message, StringComparison.Ordinal);
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, io);
        }
    }

    [Fact]
    public void AFastPathThatReadsItsGateBeforeRaisingTheCountIsCaught()
    {
        // The interleaving is forced, so the test does not depend on the machine's scheduling: the getter reads the open
        // gate, then a suspend runs to completion on another thread, then the getter raises the count and reports the
        // device active. No interleaving of the kernel's steps explains that.
        var subject = new UnfencedFastPathSubject(suspended: false) { LineUp = false };
        var prefix = new[] { new HistoryOp<RpmOpKind>(RpmOpKind.GetSync), new HistoryOp<RpmOpKind>(RpmOpKind.PutNoIdle) };
        foreach (var op in prefix)
        {
            subject.Execute(op);
        }

        Assert.True(subject.Pm.FastPathOpen);
        var get = new HistoryOp<RpmOpKind>(RpmOpKind.ResumeAndGet);
        var suspend = new HistoryOp<RpmOpKind>(RpmOpKind.Suspend);
        using var inWindow = new ManualResetEventSlim();
        using var suspended = new ManualResetEventSlim();
        subject.Window = () =>
        {
            inWindow.Set();
            Assert.True(suspended.Wait(TimeSpan.FromSeconds(30)));
        };
        var getter = new Thread(() => subject.Execute(get));
        getter.Start();
        Assert.True(inWindow.Wait(TimeSpan.FromSeconds(30)));
        var suspender = new Thread(() => subject.Execute(suspend));
        suspender.Start();
        Assert.True(suspender.Join(TimeSpan.FromSeconds(30)));
        suspended.Set();
        Assert.True(getter.Join(TimeSpan.FromSeconds(30)));
        _output.WriteLine(subject.Describe());

        Assert.Equal((0, 0), (get.Result, suspend.Result)); // "got it, active" and "suspended"
        var observed = subject.Observe();
        Assert.Equal((RpmStatus.Suspended, 1), (observed.Status, observed.Usage));
        var explorer = new SegmentExplorer<RpmModel, RpmOpKind, RpmObservation>(
            () => RpmSubject.InitialModel(suspended: false), m => m.Copy(), RpmSubject.ModelSteps, m => m.Observe());
        Assert.False(explorer.Explains(prefix.Append(get).Append(suspend).ToArray(), observed));
        Assert.False(explorer.Explains(prefix.Append(suspend).Append(get).ToArray(), observed));

        // The same two calls on the real runtime, whatever their order, are explained.
        var real = new RpmSubject(suspended: false) { LineUp = false };
        var realOps = new[] { RpmOpKind.GetSync, RpmOpKind.PutNoIdle, RpmOpKind.ResumeAndGet, RpmOpKind.Suspend }.Select(k => new HistoryOp<RpmOpKind>(k)).ToArray();
        foreach (var op in realOps)
        {
            real.Execute(op);
        }

        Assert.True(explorer.Explains(realOps, real.Observe()));
    }

    [Fact]
    public void TheBrokenVariantsAgreeWithTheModelWhenNothingOverlaps()
    {
        // So the counterexamples above are about concurrency, not about a variant that is simply wrong.
        foreach (var suspended in new[] { false, true })
        {
            foreach (var broken in new RpmSubject[] { new NonAtomicPutSubject(suspended), new UnfencedFastPathSubject(suspended) })
            {
                var reference = new RpmSubject(suspended);
                foreach (var kind in new[] { RpmOpKind.GetSync, RpmOpKind.ResumeAndGet, RpmOpKind.Put, RpmOpKind.GetSync, RpmOpKind.PutSync, RpmOpKind.PutSync, RpmOpKind.RunWork, RpmOpKind.Put, RpmOpKind.ResumeAndGet, RpmOpKind.Suspend, RpmOpKind.PutSync, RpmOpKind.RunWork })
                {
                    var a = new HistoryOp<RpmOpKind>(kind);
                    var b = new HistoryOp<RpmOpKind>(kind);
                    broken.Execute(a);
                    reference.Execute(b);
                    Assert.Equal(b.Result, a.Result);
                    Assert.Equal(reference.Observe(), broken.Observe());
                }
            }
        }
    }

    // A counterexample this class found against NonAtomicPutSubject, recorded: sequential [GetNoResume], then Put and
    // PutSync on two threads. The seed regenerates the same history; the bracket pins each parallel call to its thread
    // (CsCheck's replay form).
    private const string RecordedSeed = "c6LHBIQdfa-1[0,1]";

    [Fact]
    public void ARecordedSeedReplaysItsCounterexample()
    {
        // The interleaving is not part of the seed, so CsCheck may try the history up to 20 times; the broken put holds
        // its window open until the other thread's call went through, so the first try fails again.
        var message = ExpectCounterexample(PutsAndGets, s => new NonAtomicPutSubject(s), RecordedSeed, iterations: 1, replay: 20);
        Assert.Contains("Sequential Operations: [GetNoResume]", message, StringComparison.Ordinal);
        Assert.Contains("Parallel Operations: [Put, PutSync]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRecordedHistoryIsExplainedForTheRealRuntime()
    {
        var figures = new RunFigures();
        RpmLinearizability.Check(PutsAndGets, figures, _output.WriteLine, seed: RecordedSeed, iterations: 1, maxParallel: 3, maxSequential: 2, replay: 20, longMode: false);
        _output.WriteLine(figures.ToString());
        Assert.Equal(20, figures.Histories);
        Assert.Equal(20 * 3, figures.Operations);
    }

    private string ExpectCounterexample(RpmOpKind[] alphabet, Func<bool, RpmSubject> subject, string? seed = null, long iterations = 150, int replay = 1, bool threadPool = false)
    {
        var figures = new RunFigures();
        var failure = Assert.ThrowsAny<Exception>(() =>
            RpmLinearizability.Check(alphabet, figures, _output.WriteLine, subject, seed, iterations, maxParallel: 3, maxSequential: 2, replay: replay, threadPool: threadPool, longMode: false));
        _output.WriteLine(failure.Message);
        _output.WriteLine(figures.ToString());
        Assert.Contains("seed", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Parallel Operations", failure.Message, StringComparison.Ordinal);
        Assert.Contains("final:", failure.Message, StringComparison.Ordinal);
        return failure.Message;
    }
}
