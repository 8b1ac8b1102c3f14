using System.Collections.Generic;
using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Capability 4 of the flow engine: references and memory_lock holds per element of an array or list, taken in a loop
/// and unwound on failure. The kernel's list_for_each_entry_continue_reverse unwind is balanced; an unwind that goes
/// one element too far is VPM0002/VPM0010 at the put, one that stops one short is VPM0001/VPM0010 naming the loop.
/// </summary>
public sealed class CollectionLoopTests
{
    private const string Prelude = """
        using System.Collections.Generic;
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power; using VfioPm.Runtime.Vfio;
        class CoreDevice { public Device Pdev = null!; public MemoryLock MemoryLock { get; } = new(); }
        class DevSet {
          public List<CoreDevice> Devices = new();
          public Device[] Pds = null!;
          static void Work() { }
          static bool Bad() => false;

        """;

    private static Task Verify<T>(string body, params DiagnosticResult[] expected)
        where T : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        Verification.Verify.AnalyzerAsync<T>(Prelude + body + "\n}", expected);

    // vfio_pci_dev_set_pm_runtime_get(): resume each device, unwind the ones before the failing one in reverse.
    private const string ContinueReverse = """
        [AcquiresPmReference("Devices[].Pdev", OnSuccess = true)]
        int PmRuntimeGet()
        {
            var devices = Devices;
            int ret = 0;
            int cur;

            for (cur = 0; cur < devices.Count; cur++)
            {
                ret = devices[cur].Pdev.Power.ResumeAndGet();
                if (ret != 0)
                    goto unwind;
            }

            return 0;

        unwind:
            for (cur--; cur >= 0; cur--)
                devices[cur].Pdev.Power.Put();

            return ret;
        }
        """;

    [Fact]
    public Task ContinueReverseUnwindIsBalanced() => Verify<PmReferenceBalanceAnalyzer>(ContinueReverse);

    [Fact]
    public Task UnwindThatIncludesTheFailingElementPutsOneTooMany() => Verify<PmReferenceBalanceAnalyzer>(ContinueReverse.Replace("""
            for (cur--; cur >= 0; cur--)
                devices[cur].Pdev.Power.Put();
        """, """
            for (; cur >= 0; cur--)
                {|VPM0002:devices[cur].Pdev.Power.Put()|};
        """));

    [Fact]
    public Task UnwindThatStopsBeforeTheFirstElementLeaksIt() =>
        Verify<PmReferenceBalanceAnalyzer>(ContinueReverse.Replace("""
                ret = devices[cur].Pdev.Power.ResumeAndGet();
            """, """
                ret = {|#0:devices[cur].Pdev.Power.ResumeAndGet()|};
            """).Replace("""
            for (cur--; cur >= 0; cur--)
                devices[cur].Pdev.Power.Put();

            return ret;
        """, """
            for (cur--; cur > 0; cur--)
                devices[cur].Pdev.Power.Put();

            {|#1:return ret;|}
        """),
        Verification.Verify.Diagnostic("VPM0001").WithLocation(1).WithLocation(0).WithMessage("The runtime-PM reference taken on 'Devices[].Pdev.Power' is not put on the path that returns at line 29 (one per element, taken in the loop at line 18)"));

    // Every element is held where the loop ran to its end: returned to the caller without a contract that says so,
    // that is one leak per element — as for a single reference.
    [Fact]
    public Task GetAllHelperWithoutItsContractLeaksAtItsSuccessReturn() =>
        Verify<PmReferenceBalanceAnalyzer>(ContinueReverse.Replace("""
            [AcquiresPmReference("Devices[].Pdev", OnSuccess = true)]

            """, string.Empty).Replace("""
                ret = devices[cur].Pdev.Power.ResumeAndGet();
            """, """
                ret = {|#0:devices[cur].Pdev.Power.ResumeAndGet()|};
            """).Replace("""
            return 0;
        """, """
            {|#1:return 0;|}
        """),
        Verification.Verify.Diagnostic("VPM0001").WithLocation(1).WithLocation(0).WithMessage("The runtime-PM reference taken on 'Devices[].Pdev.Power' is not put on the path that returns at line 22 (one per element, taken in the loop at line 17)"));

    // The runtime's own form (DeviceSet.PmRuntimeGet): a second index counting down from the failing one.
    [Fact]
    public Task UnwindWithASecondIndexIsBalanced() => Verify<PmReferenceBalanceAnalyzer>("""
        [AcquiresPmReference("Devices[].Pdev", OnSuccess = true)]
        int PmRuntimeGet()
        {
            for (var i = 0; i < Devices.Count; i++)
            {
                var ret = Devices[i].Pdev.Power.ResumeAndGet();
                if (ret < 0)
                {
                    for (var j = i - 1; j >= 0; j--)
                        Devices[j].Pdev.Power.Put();
                    return ret;
                }
            }

            return 0;
        }
        """);

    [Fact]
    public Task UnwindWithASecondIndexStartingAtTheFailingOnePutsOneTooMany() => Verify<PmReferenceBalanceAnalyzer>("""
        [AcquiresPmReference("Devices[].Pdev", OnSuccess = true)]
        int PmRuntimeGet()
        {
            for (var i = 0; i < Devices.Count; i++)
            {
                var ret = Devices[i].Pdev.Power.ResumeAndGet();
                if (ret < 0)
                {
                    for (var j = i; j >= 0; j--)
                        {|VPM0002:Devices[j].Pdev.Power.Put()|};
                    return ret;
                }
            }

            return 0;
        }
        """);

    // Array elements are no longer invisible: an early return inside the loop leaks what was taken so far — on a later
    // element's failure, the ones before it.
    [Fact]
    public Task ArrayElementLeakOnAnEarlyReturnIsReported() => Verify<PmReferenceBalanceAnalyzer>("""
        int ResumeAll()
        {
            for (var i = 0; i < Pds.Length; i++)
            {
                if (Pds[i].Power.ResumeAndGet() < 0)
                    {|VPM0001:return -Errno.EIO;|}
                if (Bad())
                    {|VPM0001:return -Errno.EBUSY;|}
            }

            for (var i = 0; i < Pds.Length; i++)
                Pds[i].Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task LoopThatReturnsInItsFirstIterationHeldNothingBefore() => Verify<PmReferenceBalanceAnalyzer>("""
        int ResumeAll()
        {
            for (var i = 0; i < Pds.Length; i++)
            {
                if (Pds[i].Power.ResumeAndGet() < 0)
                    return -Errno.EIO;
                {|VPM0001:return -Errno.EBUSY;|}
            }
            return 0;
        }
        """);

    [Fact]
    public Task GetAndPutPerElementIsBalanced() => Verify<PmReferenceBalanceAnalyzer>("""
        void Poke()
        {
            for (var i = 0; i < Pds.Length; i++)
            {
                if (Pds[i].Power.ResumeAndGet() != 0)
                    continue;
                Work();
                Pds[i].Power.Put();
            }
        }
        """);

    [Fact]
    public Task TakeAllThenPutAllIsBalanced() => Verify<PmReferenceBalanceAnalyzer>("""
        void Quiesce()
        {
            for (var i = 0; i < Pds.Length; i++)
                Pds[i].Power.GetNoResume();
            Work();
            for (var i = 0; i < Pds.Length; i++)
                Pds[i].Power.PutNoIdle();
        }
        """);

    // vfio_pci_dev_set_hot_reset(): one memory_lock per device, try-locked in order, unwound in reverse on contention.
    private const string LockAll = """
        int HotReset()
        {
            int i;
            for (i = 0; i < Devices.Count; i++)
            {
                if (!Devices[i].MemoryLock.DownWriteTrylock())
                    goto err_undo;
            }

            Work();

            for (i = 0; i < Devices.Count; i++)
                Devices[i].MemoryLock.UpWrite();
            return 0;

        err_undo:
            for (i--; i >= 0; i--)
                Devices[i].MemoryLock.UpWrite();
            return -Errno.EBUSY;
        }
        """;

    [Fact]
    public Task MemoryLockPerElementTakenAndUnwoundIsBalanced() => Verify<MemoryLockBalanceAnalyzer>(LockAll);

    [Fact]
    public Task MemoryLockUnwindOneTooFarIsReported() => Verify<MemoryLockBalanceAnalyzer>(LockAll.Replace("""
            for (i--; i >= 0; i--)
                Devices[i].MemoryLock.UpWrite();
        """, """
            for (; i >= 0; i--)
                {|VPM0010:Devices[i].MemoryLock.UpWrite()|};
        """));

    [Fact]
    public Task MemoryLockReleaseLoopThatSkipsTheLastLeaks() => Verify<MemoryLockBalanceAnalyzer>(LockAll.Replace("""
            for (i = 0; i < Devices.Count; i++)
                Devices[i].MemoryLock.UpWrite();
            return 0;
        """, """
            for (i = 0; i < Devices.Count - 1; i++)
                Devices[i].MemoryLock.UpWrite();
            {|VPM0010:return 0;|}
        """));
}
