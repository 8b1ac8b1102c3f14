using System;
using System.Linq;
using CsCheck;
using VfioPm.Runtime.Tests.Linearizability.Checker;
using VfioPm.Runtime.Tests.Linearizability.Model;

namespace VfioPm.Runtime.Tests.Linearizability.RuntimePmApi;

/// <summary>
/// The runtime-PM linearizability check: CsCheck's <c>SampleParallel</c> draws a starting state, a sequential prefix
/// and a set of parallel calls, runs them on real threads against <see cref="RpmSubject"/>, and asks, for each order
/// of the calls that keeps every thread's order, whether <see cref="RpmModel"/> explains the results and the final
/// state (SegmentExplorer.cs). A failure is shrunk to a minimal history and reported with its seed.
/// </summary>
internal static class RpmLinearizability
{
    /// <summary>Every call of the list, the get/put pairs drawn twice as often (the fast path under contention).</summary>
    public static readonly RpmOpKind[] FullAlphabet =
        Enum.GetValues<RpmOpKind>()
            .Concat(new[] { RpmOpKind.ResumeAndGet, RpmOpKind.GetSync, RpmOpKind.Put, RpmOpKind.PutSync })
            .ToArray();

    /// <summary>The lock-free get and put against the suspend paths that close the gate.</summary>
    public static readonly RpmOpKind[] FastPathAlphabet =
    {
        RpmOpKind.ResumeAndGet, RpmOpKind.ResumeAndGet, RpmOpKind.GetSync, RpmOpKind.Get, RpmOpKind.Put, RpmOpKind.Put,
        RpmOpKind.PutSync, RpmOpKind.PutAutosuspend, RpmOpKind.Suspend, RpmOpKind.Idle, RpmOpKind.GetIfInUse,
        RpmOpKind.RunWork,
    };

    /// <summary>Every call but the explicit worker, for the thread-pool workqueue (whose worker the explorer places).</summary>
    public static readonly RpmOpKind[] ThreadPoolAlphabet = FullAlphabet.Where(k => k != RpmOpKind.RunWork).ToArray();

    /// <summary>Runs the check; <paramref name="longMode"/> lets <c>VFIOPM_LINEARIZABILITY_SECONDS</c> turn the count into a duration.</summary>
    public static void Check(
        RpmOpKind[] alphabet,
        RunFigures figures,
        Action<string> writeLine,
        Func<bool, RpmSubject>? subject = null,
        string? seed = null,
        long iterations = 150,
        int maxParallel = 4,
        int maxSequential = 6,
        int replay = 1,
        bool threadPool = false,
        bool longMode = true)
    {
        subject ??= suspended => new RpmSubject(suspended, threadPool);
        var operations = alphabet.Select(kind => GenOperation.Create(
            Gen.Int[0, 0].Select(_ => new HistoryOp<RpmOpKind>(kind)),
            op => op.Kind.ToString(),
            (RpmSubject s, HistoryOp<RpmOpKind> op) =>
            {
                figures.Operation();
                if (s.Execute(op))
                {
                    figures.History();
                }
            },
            (RpmHistory h, HistoryOp<RpmOpKind> op) => h.History.Order.Add(op))).ToArray();

        var seconds = longMode ? LinearizabilitySettings.Seconds : -1;
        Gen.Bool.Select(suspended => (subject(suspended), new RpmHistory(suspended, new ModelHistory<RpmOpKind>())))
            .SampleParallel(
                operations,
                equal: (s, m) => Explains(s, m, figures, threadPool),
                seed: seed,
                maxSequentialOperations: maxSequential,
                maxParallelOperations: maxParallel,
                iter: seconds > 0 ? long.MaxValue : iterations,
                time: seconds,
                threads: 2,
                printActual: s => s.Describe(),
                printModel: m => m.History.ToString(),
                replay: replay,
                writeLine: writeLine);
    }

    private static bool Explains(RpmSubject subject, RpmHistory model, RunFigures figures, bool threadPool)
    {
        if (subject.CountOnce() && History.Overlaps(subject.Executed))
        {
            figures.Overlapped();
        }

        var explorer = new SegmentExplorer<RpmModel, RpmOpKind, RpmObservation>(
            () => RpmSubject.InitialModel(model.Suspended),
            m => m.Copy(),
            RpmSubject.ModelSteps,
            m => m.Observe(),
            threadPool ? m => m.WorkReady : null,
            threadPool ? m => m.WorkItemSteps() : null);
        var explained = explorer.Explains(model.History.Order, subject.Observe());
        figures.Explored(explorer.Schedules);
        return explained;
    }

    /// <summary>The model side: where it starts, and the order CsCheck replays the calls in.</summary>
    internal sealed record RpmHistory(bool Suspended, ModelHistory<RpmOpKind> History);
}
