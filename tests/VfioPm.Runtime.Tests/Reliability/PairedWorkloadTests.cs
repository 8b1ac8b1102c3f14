using System;
using System.Linq;
using VfioPm.Runtime.Power;
using VfioPm.Stress.Invariants;
using VfioPm.Stress.Machine;
using VfioPm.Stress.Running;
using VfioPm.Stress.Workload;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Reliability;

/// <summary>
/// The workloads the stress harness pairs on purpose (tests/VfioPm.Stress/Workload/OperationExecutor.Races.cs) and the
/// invariants they brought, each replayed single-threaded on the deterministic clock, and the disable_idle_d3 invariant
/// shown to fail when its rule is broken.
/// </summary>
public sealed class PairedWorkloadTests
{
    // Device indexes in StressMachine.Devices.
    private const int Gpu = 0;
    private const int CaptureCard = 3;
    private const int Pf = 5;

    private readonly ITestOutputHelper _out;

    public PairedWorkloadTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void AnUnbindWithFilesOpenWaitsForTheirCloseAndTheRebindStartsAFreshLedger()
    {
        var report = ReplayRunner.Run(1, new[]
        {
            new Operation(OpKind.Open, Gpu, 0, 0),
            new Operation(OpKind.Open, Gpu, 1, 0),
            new Operation(OpKind.LowPowerEntryWithWakeup, Gpu, 1, 0),
            new Operation(OpKind.Rebind, Gpu, 0, 0),
            new Operation(OpKind.Open, Gpu, 2, 0),
            new Operation(OpKind.OtherIoctl, Gpu, 2, 0),
        }, recordOutcomes: true);
        _out.WriteLine(report.Format());

        Assert.True(report.Passed, report.Format()); // the final checks hold the ledger after the rebind
        Assert.Equal("rebound after closing 2 file(s)", report.Outcomes![3]);
        Assert.Equal("0", report.Outcomes[4]); // the new binding opens
        Assert.Equal((1, 1), (report.Paired!.Rebinds, report.Paired.RebindsWithFilesOpen));
    }

    [Fact]
    public void ADisableIdleD3DeviceRebindsWithItsProbeReferenceAndSuspendsOnlyWhenItsUserEngages()
    {
        var report = ReplayRunner.Run(1, new[]
        {
            new Operation(OpKind.Open, CaptureCard, 0, 0),
            new Operation(OpKind.LowPowerEntry, CaptureCard, 0, 0), // gives up the probe reference: it may suspend
            new Operation(OpKind.Pause, CaptureCard, 0, 3),
            new Operation(OpKind.ConfigRead, CaptureCard, 0, 0),
            new Operation(OpKind.Rebind, CaptureCard, 0, 0),
            new Operation(OpKind.HotReset, CaptureCard, 0, 0), // no file: nothing
        }, recordOutcomes: true);
        _out.WriteLine(report.Format());

        Assert.True(report.Passed, report.Format()); // FinalChecks: usage 1, Active, D0, its port up
        Assert.True(report.Paired!.DisableIdleD3Suspends > 0, report.Paired.ToString());
        Assert.Equal("rebound after closing 1 file(s)", report.Outcomes![4]);
    }

    [Fact]
    public void AHotResetRacingSriovEnableAnswersAsDocumented()
    {
        var ops = Enumerable.Range(0, 20).Select(i => new Operation(OpKind.HotResetDuringSriovEnable, Pf, 0, i * 97))
            .Prepend(new Operation(OpKind.Open, Pf, 0, 0))
            .Append(new Operation(OpKind.SriovConfigure, Pf, 0, 0))
            .ToArray();
        var report = ReplayRunner.Run(1, ops, recordOutcomes: true);
        _out.WriteLine(report.Format());

        Assert.True(report.Passed, report.Format());
        Assert.Equal(20, report.Paired!.ResetEnablePairs);
        Assert.All(report.Outcomes!.Skip(1).Take(20), o => Assert.StartsWith("reset ", o, StringComparison.Ordinal));
    }

    [Fact]
    public void TheDisableIdleD3InvariantCatchesASuspendNobodyAskedFor()
    {
        // A put the capture card's driver never took (the bug class: a reset or close path dropping a reference it does
        // not own) lets the unused device suspend: the next reset would have to wake it.
        var monitor = new InvariantMonitor();
        var machine = StressMachine.Create(PmEnvironment.CreateDeterministic(), monitor);
        machine.Platform.Settle(TimeSpan.FromMilliseconds(300));
        var capture = machine.Devices[CaptureCard];
        Assert.True(capture.DisableIdleD3);
        Assert.Equal((RpmStatus.Active, 1), (capture.Pdev.Power.Status, capture.Pdev.Power.UsageCount));
        Assert.Equal(0, monitor.Count);

        Assert.Equal(0, capture.Pdev.Power.Put());
        machine.Platform.Settle(TimeSpan.FromMilliseconds(300));

        Assert.Equal(RpmStatus.Suspended, capture.Pdev.Power.Status);
        Assert.Contains(monitor.Violations, v => v.Invariant == "a disable_idle_d3 device suspends only while its user has low power engaged");
    }
}
