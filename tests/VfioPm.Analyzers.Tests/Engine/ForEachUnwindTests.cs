using System.Threading.Tasks;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Capability 4 of the flow engine for <c>foreach</c>: references taken through the iteration variable are elements of
/// the collection, counted by the loop's position. The form seed 004 reviewed for vfio_pci_dev_set_pm_runtime_get() —
/// remember the failing device, then put every device before it in list order — is balanced; an unwind that also puts
/// the failing device, or puts every device, is VPM0002 at the put; one that skips a device is VPM0001 naming the
/// loop; a taking loop that returns early or hands every element to its caller without a contract leaks.
/// </summary>
public sealed class ForEachUnwindTests
{
    private const string Prelude = """
        using System.Collections.Generic;
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci; using VfioPm.Runtime.Vfio;
        sealed class CoreDevice
        {
            [PmDevice] public PciDevice Pdev { get; init; } = null!;
            public MemoryLock MemoryLock { get; } = new();
            [RequiresMemoryLock(MemoryLockMode.Exclusive)] public void ZapBars() { }
            public bool NoPm { get; init; }
            public bool NeedsReset { get; set; }
        }

        sealed class DevSet
        {
            public List<CoreDevice> Devices { get; } = new();
            static void Work() { }

        """;

    private static Task Check(string body, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        VfioPmRulesAnalyzerTest.RunAsync(Prelude + body + "\n}\n", expected);

    // vfio_pci_dev_set_pm_runtime_get(), the v4 form: stop at the failing device, put the ones before it.
    private const string StopAtFailure = """
            [AcquiresPmReference("Devices[].Pdev", OnSuccess = true)]
            int PmRuntimeGet()
            {
                CoreDevice? failed = null;
                int ret = 0;

                foreach (var cur in Devices)
                {
                    ret = cur.Pdev.Power.ResumeAndGet();
                    if (ret != 0)
                    {
                        failed = cur;
                        break;
                    }
                }

                if (failed == null)
                    return 0;

                foreach (var cur in Devices)
                {
                    if (cur == failed)
                        break;
                    cur.Pdev.Power.Put();
                }

                return ret;
            }
        """;

    [Fact]
    public Task StopAtTheFailingElementUnwindIsBalanced() => Check(StopAtFailure);

    // The v4 patch itself: the taking loop's cursor (cur_pm) stays the last device tried, and the result decides.
    private const string CursorAndResult = """
            [AcquiresPmReference("Devices[].Pdev", OnSuccess = true)]
            int PmRuntimeGet()
            {
                CoreDevice? curPm = null;
                int ret = 0;

                foreach (var cur in Devices)
                {
                    curPm = cur;
                    ret = curPm.Pdev.Power.ResumeAndGet();
                    if (ret < 0)
                        break;
                }

                if (ret == 0)
                    return 0;

                foreach (var cur in Devices)
                {
                    if (cur == curPm)
                        break;
                    cur.Pdev.Power.Put();
                }

                return ret;
            }
        """;

    [Fact]
    public Task CursorLeftOnTheFailingElementUnwindIsBalanced() => Check(CursorAndResult);

    [Fact]
    public Task CursorUnwindThatPutsTheFailingElementPutsOneTooMany() => Check(CursorAndResult.Replace("""
                    if (cur == curPm)
                        break;
                    cur.Pdev.Power.Put();
            """, """
                    {|VPM0002:cur.Pdev.Power.Put()|};
                    if (cur == curPm)
                        break;
            """));

    [Fact]
    public Task StopTestWrittenTheOtherWayRoundIsBalanced() => Check(StopAtFailure.Replace("if (cur == failed)", "if (failed == cur)"));

    [Fact]
    public Task UnwindThatAlsoPutsTheFailingElementPutsOneTooMany() => Check(StopAtFailure.Replace("""
                    if (cur == failed)
                        break;
                    cur.Pdev.Power.Put();
            """, """
                    if (cur == failed)
                    {
                        {|VPM0002:cur.Pdev.Power.Put()|};
                        break;
                    }
                    cur.Pdev.Power.Put();
            """));

    [Fact]
    public Task UnwindThatPutsEveryElementPutsTheFailingOne() => Check(StopAtFailure.Replace("""
                    if (cur == failed)
                        break;
                    cur.Pdev.Power.Put();
            """, """
                    {|VPM0002:cur.Pdev.Power.Put()|};
            """));

    [Fact]
    public Task UnwindThatTestsTheStopAfterThePutPutsTheFailingOne() => Check(StopAtFailure.Replace("""
                    if (cur == failed)
                        break;
                    cur.Pdev.Power.Put();
            """, """
                    {|VPM0002:cur.Pdev.Power.Put()|};
                    if (cur == failed)
                        break;
            """));

    [Fact]
    public Task UnwindThatSkipsAnElementLeaksIt() => Check(StopAtFailure.Replace("""
                    if (cur == failed)
                        break;
                    cur.Pdev.Power.Put();
            """, """
                    if (cur == failed)
                        break;
                    if (cur.NoPm)
                        continue;
                    cur.Pdev.Power.Put();
            """).Replace("""
                return ret;
            }
            """, """
                {|VPM0001:return ret;|}
            }
            """));

    // Without its contract the helper hands every element to its caller: a leak at the success return only.
    [Fact]
    public Task StopAtFailureHelperWithoutItsContractLeaksAtItsSuccessReturn() => Check(StopAtFailure.Replace("""
            [AcquiresPmReference("Devices[].Pdev", OnSuccess = true)]

            """, string.Empty).Replace("""
                    if (failed == null)
                        return 0;
            """, """
                    if (failed == null)
                        {|VPM0001:return 0;|}
            """));

    [Fact]
    public Task TakingLoopThatReturnsOnFailureLeaksTheOnesBefore() => Check("""
            int ResumeAll()
            {
                foreach (var cur in Devices)
                {
                    if (cur.Pdev.Power.ResumeAndGet() != 0)
                        {|VPM0001:return -Errno.EIO;|}
                }

                {|VPM0001:return 0;|}
            }
        """);

    // rpm_get_suppliers() without the hand-over to rpm_active: get_sync on every device that has runtime PM.
    [Fact]
    public Task TakingLoopThatSkipsSomeElementsStillLeaksWhatItTook() => Check("""
            int GetSuppliers()
            {
                foreach (var cur in Devices)
                {
                    int retval;

                    if (cur.NoPm)
                        continue;

                    retval = cur.Pdev.Power.GetSync();
                    if (retval < 0 && retval != -Errno.EACCES)
                    {
                        cur.Pdev.Power.PutNoIdle();
                        {|VPM0001:return retval;|}
                    }
                }

                {|VPM0001:return 0;|}
            }
        """);

    // The same filter on the taking and the putting loop: which elements were taken cannot be matched one by one, so
    // the pair is not judged (no false positive), where the taking loop alone leaks (above).
    [Fact]
    public Task ConditionalTakeAllThenConditionalPutAllIsNotReported() => Check("""
            void Quiesce()
            {
                foreach (var cur in Devices)
                {
                    if (cur.NoPm)
                        continue;
                    cur.Pdev.Power.GetNoResume();
                }

                Work();

                foreach (var cur in Devices)
                {
                    if (!cur.NoPm)
                        cur.Pdev.Power.PutNoIdle();
                }
            }
        """);

    // Hot reset's lock list written with foreach: try-lock each member in list order; on contention release the ones
    // before it and stop; on success work under every lock, then release them all.
    private const string LockList = """
            int HotReset()
            {
                CoreDevice? busy = null;

                foreach (var cur in Devices)
                {
                    if (!cur.MemoryLock.DownWriteTrylock())
                    {
                        busy = cur;
                        break;
                    }

                    cur.ZapBars();
                }

                if (busy != null)
                {
                    foreach (var cur in Devices)
                    {
                        if (cur == busy)
                            break;
                        cur.MemoryLock.UpWrite();
                    }

                    return -Errno.EBUSY;
                }

                foreach (var cur in Devices)
                    cur.ZapBars();

                foreach (var cur in Devices)
                    cur.MemoryLock.UpWrite();

                return 0;
            }
        """;

    [Fact]
    public Task MemoryLockListTakenAndUnwoundWithForeachIsBalanced() => Check(LockList);

    [Fact]
    public Task MemoryLockListUnwindThatReleasesTheBusyMemberReleasesOneTooMany() => Check(LockList.Replace("""
                        if (cur == busy)
                            break;
                        cur.MemoryLock.UpWrite();
            """, """
                        {|VPM0010:cur.MemoryLock.UpWrite()|};
                        if (cur == busy)
                            break;
            """));

    [Fact]
    public Task MemoryLockListNotReleasedOnSuccessLeaks() => Check(LockList.Replace("""
                foreach (var cur in Devices)
                    cur.MemoryLock.UpWrite();

                return 0;
            """, """
                {|VPM0010:return 0;|}
            """));

    [Fact]
    public Task GetAndPutInEachIterationIsBalancedAndGuardsTheAccess() => Check("""
            void Poke()
            {
                foreach (var cur in Devices)
                {
                    if (cur.Pdev.Power.ResumeAndGet() != 0)
                        continue;
                    cur.Pdev.ReadConfig16(0);
                    cur.Pdev.Power.Put();
                    {|VPM0006:cur.Pdev.ReadConfig16(2)|};
                }
            }
        """);

    // vfio_pci_dev_set_try_reset(): the put-all loop after the get-all helper; the device is held while it is touched.
    [Fact]
    public Task PutAllLoopAfterTheGetAllHelperIsBalancedAndHoldsEachElement() => Check(StopAtFailure + """
            void TryReset()
            {
                if (PmRuntimeGet() != 0)
                    return;

                foreach (var cur in Devices)
                {
                    cur.Pdev.ReadConfig16(0);
                    cur.NeedsReset = false;
                    cur.Pdev.Power.Put();
                }
            }

            void TryResetTouchingAfterThePut()
            {
                if (PmRuntimeGet() != 0)
                    return;

                foreach (var cur in Devices)
                {
                    cur.Pdev.Power.Put();
                    {|VPM0006:cur.Pdev.ReadConfig16(0)|};
                }
            }

            void TryResetSkippingSome()
            {
                if (PmRuntimeGet() != 0)
                    return;

                foreach (var cur in Devices)
                {
                    if (cur.NoPm)
                        continue;
                    cur.Pdev.Power.Put();
                }
            {|VPM0001:}|}
        """);
}
