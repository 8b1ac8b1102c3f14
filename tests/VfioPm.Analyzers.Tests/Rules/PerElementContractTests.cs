using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// Per-element contracts ("Devices[].Pdev", "members[].MemoryLock") on the kernel's device-set code:
/// vfio_pci_dev_set_pm_runtime_get() (a get-all helper with its continue-reverse unwind), the put-all loop after it,
/// vfio_pci_dev_set_try_reset() and hot reset's memory_lock per member. The flow rules run at once
/// (<see cref="VfioPmRulesAnalyzerTest"/>); each reported line carries a <c>// VPMxxxx</c> comment, and the test expects
/// exactly those diagnostics at their spans.
/// </summary>
public sealed class PerElementContractTests
{
    private const string Set = """
        using System.Collections.Generic; using System.Linq;
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci; using VfioPm.Runtime.Vfio;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) { Pdev = pdev; }
            [PmDevice, PtGuardedBy(nameof(MemoryLock))] public PciDevice Pdev { get; }
            public MemoryLock MemoryLock { get; } = new();
            public bool DisableIdleD3 { get; init; }
            public bool NeedsReset { get; set; }
            [RequiresMemoryLock(MemoryLockMode.Exclusive)] public int SetPowerStateLocked(int state) => state;
        }

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(Set + "sealed partial class DevSet\n{\n    readonly List<Vdev> _devices = new();\n" + body + "\n}\n", expected);

    // vfio_pci_dev_set_pm_runtime_get(): all or none, the unwind puts back exactly the ones taken, in reverse.
    private const string GetAll = """
            [AcquiresPmReference("members[].Pdev", OnSuccess = true)]
            static int PmRuntimeGet(IReadOnlyList<Vdev> members)
            {
                for (var i = 0; i < members.Count; i++)
                {
                    var ret = members[i].Pdev.Power.ResumeAndGet();
                    if (ret < 0)
                    {
                        for (var j = i - 1; j >= 0; j--)
                            members[j].Pdev.Power.Put();
                        return ret;
                    }
                }

                return 0;
            }

            [AcquiresPmReference("_devices[].Pdev", OnSuccess = true)]
            int PmRuntimeGet() => PmRuntimeGet(_devices);

            // The put-all loop after it.
            [ReleasesPmReference("_devices[].Pdev")]
            void PmRuntimePut()
            {
                foreach (var d in _devices)
                    d.Pdev.Power.Put();
            }

        """;

    [Fact]
    public Task GetAllHelperAndPutAllLoopCheckClean() => Check(GetAll + """
            // vfio_pci_dev_set_try_reset(): members with disable_idle_d3 get no reference.
            void TryReset(PciDevice bridge)
            {
                if (!_devices.Any(d => d.NeedsReset))
                    return;
                var held = _devices.Where(d => !d.DisableIdleD3).ToArray();
                if (PmRuntimeGet(held) != 0)
                    return;

                var done = bridge.ResetSecondaryBus() == 0;
                foreach (var d in _devices)
                {
                    if (done)
                        d.NeedsReset = false;
                }

                foreach (var d in held)
                {
                    d.Pdev.Power.Put();
                }
            }

            int HotResetish(PciDevice bridge)
            {
                var ret = PmRuntimeGet();
                if (ret != 0)
                    return ret;
                try
                {
                    return bridge.ResetSecondaryBus();
                }
                finally
                {
                    PmRuntimePut();
                }
            }
        """);

    [Fact]
    public Task GetAllUnwindOneTooManyIsReportedAtThePut() => Check("""
            [AcquiresPmReference("members[].Pdev", OnSuccess = true)]
            static int PmRuntimeGet(IReadOnlyList<Vdev> members)
            {
                for (var i = 0; i < members.Count; i++)
                {
                    var ret = members[i].Pdev.Power.ResumeAndGet();
                    if (ret < 0)
                    {
                        for (var j = i; j >= 0; j--)
                            members[j].Pdev.Power.Put(); // VPM0002
                        return ret;
                    }
                }

                return 0;
            }
        """,
        Verify.Diagnostic("VPM0002").WithSpan(24, 21, 24, 48));

    [Fact]
    public Task GetAllUnwindOneShortIsALeakAtTheFailingReturn() => Check("""
            [AcquiresPmReference("members[].Pdev", OnSuccess = true)]
            static int PmRuntimeGet(IReadOnlyList<Vdev> members)
            {
                for (var i = 0; i < members.Count; i++)
                {
                    var ret = members[i].Pdev.Power.ResumeAndGet();
                    if (ret < 0)
                    {
                        for (var j = i - 1; j > 0; j--)
                            members[j].Pdev.Power.Put();
                        return ret; // VPM0001
                    }
                }

                return 0;
            }
        """,
        Verify.Diagnostic("VPM0001").WithSpan(25, 17, 25, 28).WithSpan(20, 23, 20, 59));

    [Fact]
    public Task GetAllThatReturnsFailureHoldingEveryElementBreaksItsContract() => Check("""
            [AcquiresPmReference("members[].Pdev", OnSuccess = true)]
            static int PmRuntimeGet(IReadOnlyList<Vdev> members, bool bail)
            {
                for (var i = 0; i < members.Count; i++)
                {
                    var ret = members[i].Pdev.Power.ResumeAndGet();
                    if (ret < 0)
                    {
                        for (var j = i - 1; j >= 0; j--)
                            members[j].Pdev.Power.Put();
                        return ret;
                    }
                }

                if (bail)
                    return -Errno.EBUSY; // VPM0011
                return 0;
            }
        """,
        Verify.Diagnostic("VPM0011").WithSpan(30, 13, 30, 33));

    [Fact]
    public Task PutAllLoopThatSkipsAMemberBreaksItsContract() => Check("""
            [ReleasesPmReference("_devices[].Pdev")]
            void PmRuntimePut()
            {
                foreach (var d in _devices)
                {
                    if (d.DisableIdleD3)
                        continue;
                    d.Pdev.Power.Put();
                }
            } // VPM0011
        """,
        Verify.Diagnostic("VPM0011").WithSpan(24, 5, 24, 6));

    [Fact]
    public Task CallerThatForgetsThePutAllLeaksEveryElement() => Check(GetAll + """
            int Reset(PciDevice bridge)
            {
                if (PmRuntimeGet() != 0)
                    return -Errno.EIO;
                return bridge.ResetSecondaryBus(); // VPM0001
            }

            void PutWithoutGet()
            {
                PmRuntimePut(); // VPM0002
            }

            void TryResetSkipsOne(PciDevice bridge)
            {
                var held = _devices.ToArray();
                if (PmRuntimeGet(held) != 0)
                    return;
                bridge.ResetSecondaryBus();
                foreach (var d in held)
                {
                    if (d.NeedsReset)
                        d.Pdev.Power.Put();
                }
            } // VPM0001
        """,
        Verify.Diagnostic("VPM0001").WithSpan(46, 9, 46, 43).WithSpan(44, 13, 44, 27),
        Verify.Diagnostic("VPM0002").WithSpan(51, 9, 51, 23),
        Verify.Diagnostic("VPM0001").WithSpan(65, 5, 65, 6).WithSpan(57, 13, 57, 31));

    [Fact]
    public Task MemoryLockPerMemberTakenAllOrNoneAndReleasedInReverse() => Check("""
            // Hot reset's lock list: down_write_trylock on each member, on contention release the ones taken in reverse.
            [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "members[].MemoryLock")]
            static bool TryLockAll(IReadOnlyList<Vdev> members)
            {
                for (var i = 0; i < members.Count; i++)
                {
                    if (!members[i].MemoryLock.DownWriteTrylock())
                    {
                        for (i--; i >= 0; i--)
                            members[i].MemoryLock.UpWrite();
                        return false;
                    }
                }

                return true;
            }

            [ReleasesMemoryLock(Lock = "members[].MemoryLock")]
            static void UnlockAll(IReadOnlyList<Vdev> members)
            {
                for (var i = members.Count - 1; i >= 0; i--)
                    members[i].MemoryLock.UpWrite();
            }

            [ReleasesMemoryLock(Lock = "members[].MemoryLock")]
            static void UnlockAllButTheFirst(IReadOnlyList<Vdev> members)
            {
                for (var i = members.Count - 1; i > 0; i--)
                    members[i].MemoryLock.UpWrite();
            } // VPM0010, VPM0011 (one member: none released, the contract broken; more: the first one left)

            [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "members[].MemoryLock")]
            static bool TryLockAllOneTooMany(IReadOnlyList<Vdev> members)
            {
                for (var i = 0; i < members.Count; i++)
                {
                    if (!members[i].MemoryLock.DownWriteTrylock())
                    {
                        for (; i >= 0; i--)
                            members[i].MemoryLock.UpWrite(); // VPM0010
                        return false;
                    }
                }

                return true;
            }

            // vfio_pci_dev_set_hot_reset(): every member's power state is set under its own memory_lock.
            int Reset(PciDevice bridge)
            {
                foreach (var d in _devices)
                    d.SetPowerStateLocked(0); // VPM0004
                if (!TryLockAll(_devices))
                    return -Errno.EBUSY;
                try
                {
                    foreach (var d in _devices)
                        d.SetPowerStateLocked(0);
                    return bridge.ResetSecondaryBus();
                }
                finally
                {
                    UnlockAll(_devices);
                }
            }

            int ResetLeaksTheLocks(PciDevice bridge)
            {
                if (!TryLockAll(_devices))
                    return -Errno.EBUSY;
                return bridge.ResetSecondaryBus(); // VPM0010
            }
        """,
        Verify.Diagnostic("VPM0010").WithSpan(44, 5, 44, 6).WithSpan(39, 5, 44, 6),
        Verify.Diagnostic("VPM0011").WithSpan(44, 5, 44, 6),
        Verify.Diagnostic("VPM0010").WithSpan(54, 21, 54, 52),
        Verify.Diagnostic("VPM0004").WithSpan(66, 13, 66, 37),
        Verify.Diagnostic("VPM0010").WithSpan(85, 9, 85, 43).WithSpan(83, 14, 83, 34));
}
