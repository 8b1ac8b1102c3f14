using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Linearizability.Checker;
using VfioPm.Runtime.Tests.Linearizability.Model;
using VfioPm.Runtime.Tests.Linearizability.VfioFile;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Linearizability;

/// <summary>
/// The vfio device file as a hypervisor sees it, on real threads, against <see cref="VfioFileModel"/>; and the model
/// itself against the end-to-end trace of spec §3.16.
/// </summary>
public sealed class VfioFileLinearizabilityTests
{
    private readonly ITestOutputHelper _output;

    public VfioFileLinearizabilityTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void EveryHistoryOfTheVfioFileIsExplainedByTheModel()
    {
        var figures = new RunFigures();
        VfioLinearizability.Check(figures, _output.WriteLine, iterations: 60);
        _output.WriteLine(figures.ToString());
        Assert.True(figures.Histories >= 60, figures.ToString());
    }

    [Fact]
    public void TheModelFollowsTheSpecTraceOfFeatures3To5()
    {
        // §3.16 steps 5-13 (the device open, not engaged: uc = 1).
        var m = new VfioFileModel();
        Assert.Equal(0, Run(m, r => m.EntrySteps(withWakeup: false, r)));
        Assert.Equal((0, true, false), (m.Usage, m.Engaged, m.Mapped));
        Run(m, m.RunWorkSteps);
        Assert.Equal(RpmStatus.Suspended, m.Status);

        Assert.Equal(4, Run(m, m.ConfigReadSteps)); // resumes, and idles again: feature 3 is repeatable
        Assert.Equal((RpmStatus.Active, 0, true), (m.Status, m.Usage, m.Engaged));
        Run(m, m.RunWorkSteps);
        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.Equal(1, Run(m, m.MmapAccessSteps)); // SIGBUS, no resume
        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.Equal(4, Run(m, m.LspciSteps)); // D3hot: no resume
        Assert.Equal(RpmStatus.Suspended, m.Status);

        Assert.Equal(0, Run(m, m.ExitSteps));
        Assert.Equal((RpmStatus.Active, 1, false), (m.Status, m.Usage, m.Engaged));
        Assert.Equal(0, Run(m, m.MmapAccessSteps)); // mmap works again

        Assert.Equal(0, Run(m, r => m.EntrySteps(withWakeup: true, r)));
        Assert.Equal(-Errno.EINVAL, Run(m, r => m.EntrySteps(withWakeup: true, r))); // already engaged
        Run(m, m.RunWorkSteps);
        Assert.Equal(RpmStatus.Suspended, m.Status);
        Assert.Equal(0, Run(m, r => m.GetInfoSteps(fileB: false, r))); // the first resume signals, and ends low power
        Assert.Equal((RpmStatus.Active, 1, false, 1), (m.Status, m.Usage, m.Engaged, m.WakeSignals));
        Run(m, m.RunWorkSteps);
        Assert.Equal(RpmStatus.Active, m.Status); // one-shot: it stays up
        Assert.Equal(0, Run(m, m.ExitSteps)); // no-op
        Assert.Equal((1, 1), (m.Usage, m.WakeSignals));

        Assert.Equal(0, Run(m, m.CloseBSteps));
        Assert.Equal(-Errno.EBADF, Run(m, r => m.GetInfoSteps(fileB: true, r)));
    }

    [Fact]
    public void AnIoctlDuringTheBusIdleCallbackKeepsTheFunctionUp()
    {
        // Found by the long run (seed e20hX8ffH_M1) when the model still ran the worker's idle as one segment: the
        // worker takes the idle request, the PCI bus idle callback runs with the lock dropped, an ioctl raises the
        // count meanwhile, and rpm_suspend's second check refuses. A put during the callback queues nothing
        // (-EINPROGRESS), so the device stays up until the next put.
        var m = new VfioFileModel();
        Assert.Equal(0, Run(m, r => m.EntrySteps(withWakeup: true, r)));
        Assert.True(m.WorkQueued);

        using var worker = m.RunWorkSteps(new ResultCell()).GetEnumerator();
        Assert.True(worker.MoveNext()); // request taken; idle callback running
        Assert.True(m.IdleNotification);

        var entry = new ResultCell();
        using var ioctl = m.EntrySteps(withWakeup: false, entry).GetEnumerator();
        Assert.True(ioctl.MoveNext()); // the file is open
        Assert.True(ioctl.MoveNext()); // the wrapper's get: uc 0 -> 1
        Assert.Equal(1, m.Usage);
        while (worker.MoveNext())
        {
        }

        Assert.Equal(RpmStatus.Active, m.Status); // rpm_suspend saw the reference
        while (ioctl.MoveNext())
        {
        }

        Assert.Equal(-Errno.EINVAL, entry.Value);
        Assert.Equal((RpmStatus.Active, 0, true, 0), (m.Status, m.Usage, m.Engaged, m.WakeSignals));
        Assert.True(m.WorkQueued); // the ioctl's put asked for the next idle

        // A put that lands inside the callback instead queues nothing (-EINPROGRESS): the worker's own check decides.
        var n = new VfioFileModel();
        Run(n, r => n.EntrySteps(withWakeup: false, r));
        using var worker2 = n.RunWorkSteps(new ResultCell()).GetEnumerator();
        Assert.True(worker2.MoveNext());
        Assert.Equal(4, Run(n, n.ConfigReadSteps));
        Assert.False(n.WorkQueued);
        while (worker2.MoveNext())
        {
        }

        Assert.Equal(RpmStatus.Suspended, n.Status);
    }

    private static int Run(VfioFileModel m, System.Func<ResultCell, System.Collections.Generic.IEnumerable<ModelStep>> op)
    {
        var result = new ResultCell();
        Sequential.Run(op(result));
        return result.Value;
    }
}
