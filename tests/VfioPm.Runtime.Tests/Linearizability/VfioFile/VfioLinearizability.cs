using System;
using System.Linq;
using CsCheck;
using VfioPm.Runtime.Tests.Linearizability.Checker;
using VfioPm.Runtime.Tests.Linearizability.Model;

namespace VfioPm.Runtime.Tests.Linearizability.VfioFile;

/// <summary>
/// The vfio-file linearizability check: what a hypervisor does to an open device (ioctls including features 3/4/5,
/// a region read, an mmap access, a close) and host lspci, in random parallel sets on real threads, checked against
/// <see cref="VfioFileModel"/> (usage count, <c>pm_runtime_engaged</c>, the one-shot wake eventfd) as
/// RuntimePmApi/RpmLinearizability.cs does for the runtime-PM API.
/// </summary>
internal static class VfioLinearizability
{
    public static readonly VfioOpKind[] Alphabet =
        Enum.GetValues<VfioOpKind>()
            .Concat(new[] { VfioOpKind.Entry, VfioOpKind.EntryWithWakeup, VfioOpKind.GetInfo, VfioOpKind.RunWork, VfioOpKind.RunWork })
            .ToArray();

    public static void Check(RunFigures figures, Action<string> writeLine, string? seed = null, long iterations = 100, int maxParallel = 4, int maxSequential = 6)
    {
        var operations = Alphabet.Select(kind => GenOperation.Create(
            Gen.Int[0, 0].Select(_ => new HistoryOp<VfioOpKind>(kind)),
            op => op.Kind.ToString(),
            (VfioSubject s, HistoryOp<VfioOpKind> op) =>
            {
                figures.Operation();
                if (s.Execute(op))
                {
                    figures.History();
                }
            },
            (ModelHistory<VfioOpKind> h, HistoryOp<VfioOpKind> op) => h.Order.Add(op))).ToArray();

        var seconds = LinearizabilitySettings.Seconds;
        Gen.Int[0, 0].Select(_ => (new VfioSubject(), new ModelHistory<VfioOpKind>()))
            .SampleParallel(
                operations,
                equal: (s, m) => Explains(s, m, figures),
                seed: seed,
                maxSequentialOperations: maxSequential,
                maxParallelOperations: maxParallel,
                iter: seconds > 0 ? long.MaxValue : iterations,
                time: seconds,
                threads: 2,
                printActual: s => s.Describe(),
                printModel: m => m.ToString(),
                replay: 1,
                writeLine: writeLine);
    }

    private static bool Explains(VfioSubject subject, ModelHistory<VfioOpKind> model, RunFigures figures)
    {
        if (subject.CountOnce() && History.Overlaps(subject.Executed))
        {
            figures.Overlapped();
        }

        var explorer = new SegmentExplorer<VfioFileModel, VfioOpKind, VfioObservation>(
            () => new VfioFileModel(),
            m => m.Copy(),
            VfioSubject.ModelSteps,
            m => m.Observe());
        var explained = explorer.Explains(model.Order, subject.Observe());
        figures.Explored(explorer.Schedules);
        return explained;
    }
}
