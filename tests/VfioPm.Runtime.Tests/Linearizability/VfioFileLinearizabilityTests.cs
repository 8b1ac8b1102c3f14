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
        VfioLinearizability.Check(figures, _output.WriteLine, iterations: 100);
        _output.WriteLine(figures.ToString());
        Assert.True(figures.Histories >= 100, figures.ToString());
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

    private static int Run(VfioFileModel m, System.Func<ResultCell, System.Collections.Generic.IEnumerable<ModelStep>> op)
    {
        var result = new ResultCell();
        Sequential.Run(op(result));
        return result.Value;
    }
}
