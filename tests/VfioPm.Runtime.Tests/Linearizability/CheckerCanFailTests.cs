using System;
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

    private static readonly RpmOpKind[] GetsAndSuspends =
    {
        RpmOpKind.GetSync, RpmOpKind.ResumeAndGet, RpmOpKind.Suspend, RpmOpKind.Idle, RpmOpKind.PutNoIdle,
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
        var message = ExpectCounterexample(GetsAndSuspends, s => new UnfencedFastPathSubject(s), iterations: 120); // about 1 in 9 fail
        Assert.Contains("Suspend", message, StringComparison.Ordinal);
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

    // A counterexample this class found against UnfencedFastPathSubject, recorded: sequential [GetSync, PutNoIdle], then
    // [PutNoIdle, ResumeAndGet] on one thread and [Suspend] on the other. The same seed regenerates the same history.
    private const string RecordedSeed = "5TnDh6D0vFZ1";

    [Fact]
    public void ARecordedSeedReplaysItsCounterexample()
    {
        // The interleaving is not part of the seed, so CsCheck tries the history up to 20 times; the broken getter's
        // window is wide enough that the first try nearly always fails again.
        var message = ExpectCounterexample(GetsAndSuspends, s => new UnfencedFastPathSubject(s), RecordedSeed, iterations: 1, replay: 20);
        Assert.Contains("Sequential Operations: [GetSync, PutNoIdle]", message, StringComparison.Ordinal);
        Assert.Contains("Parallel Operations: [PutNoIdle, ResumeAndGet, Suspend]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRecordedHistoryIsExplainedForTheRealRuntime()
    {
        var figures = new RunFigures();
        RpmLinearizability.Check(GetsAndSuspends, figures, _output.WriteLine, seed: RecordedSeed, iterations: 1, maxParallel: 3, maxSequential: 2, replay: 20);
        _output.WriteLine(figures.ToString());
        Assert.Equal(20, figures.Histories);
        Assert.Equal(20 * 5, figures.Operations);
    }

    private string ExpectCounterexample(RpmOpKind[] alphabet, Func<bool, RpmSubject> subject, string? seed = null, long iterations = 150, int replay = 1, bool threadPool = false)
    {
        var figures = new RunFigures();
        var failure = Assert.ThrowsAny<Exception>(() =>
            RpmLinearizability.Check(alphabet, figures, _output.WriteLine, subject, seed, iterations, maxParallel: 3, maxSequential: 2, replay: replay, threadPool: threadPool));
        _output.WriteLine(failure.Message);
        _output.WriteLine(figures.ToString());
        Assert.Contains("seed", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Parallel Operations", failure.Message, StringComparison.Ordinal);
        Assert.Contains("final:", failure.Message, StringComparison.Ordinal);
        return failure.Message;
    }
}
