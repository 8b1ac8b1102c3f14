using System;
using System.Threading;
using VfioPm.Runtime.Tests.Linearizability.Checker;
using VfioPm.Runtime.Tests.Linearizability.RuntimePmApi;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Linearizability;

/// <summary>
/// Concurrent histories of the runtime-PM API on real threads, each checked against the reference model
/// (RuntimePmApi/RpmLinearizability.cs). CI runs a fixed number of histories; set
/// <c>VFIOPM_LINEARIZABILITY_SECONDS</c> for the long mode.
/// </summary>
public sealed class RuntimePmLinearizabilityTests
{
    private readonly ITestOutputHelper _output;

    public RuntimePmLinearizabilityTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void EveryHistoryOfTheRuntimePmApiIsExplainedByTheModel()
    {
        var figures = new RunFigures();
        RpmLinearizability.Check(RpmLinearizability.FullAlphabet, figures, _output.WriteLine, iterations: 80);
        _output.WriteLine(figures.ToString());
        Assert.True(figures.Histories >= 80, figures.ToString());
    }

    [Fact]
    public void TheLockFreeGetAndPutUnderContentionAreExplainedByTheModel()
    {
        var figures = new RunFigures();
        RpmLinearizability.Check(RpmLinearizability.FastPathAlphabet, figures, _output.WriteLine, iterations: 80, maxParallel: 5, maxSequential: 3);
        _output.WriteLine(figures.ToString());
        Assert.True(figures.Histories >= 80, figures.ToString());
    }

    [Fact]
    public void OnTheThreadPoolWorkqueueEveryHistoryIsExplainedWithTheWorkerPlacedByTheExplorer()
    {
        // CsCheck compares each run with its orders on thread-pool threads, and each comparison first waits for the PM
        // workqueue, which runs on the same pool: with few pool threads they starve the work they wait for. Enough
        // threads up front, for this test only.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        try
        {
            var figures = new RunFigures();
            RpmLinearizability.Check(RpmLinearizability.ThreadPoolAlphabet, figures, _output.WriteLine, iterations: 50, threadPool: true);
            _output.WriteLine(figures.ToString());
            Assert.True(figures.Histories >= 50, figures.ToString());
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, io);
        }
    }
}
