using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// Per-element contracts ("Devices[].Pdev", "members[].MemoryLock") on the kernel's device-set code:
/// vfio_pci_dev_set_pm_runtime_get() (a get-all helper with its continue-reverse unwind), the put-all loop after it,
/// vfio_pci_dev_set_try_reset() and hot reset's memory_lock per member. Every rule runs at once; each line that must be
/// reported carries a <c>// VPMxxxx</c> comment, and no other line may be.
/// </summary>
public sealed class PerElementContractTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Flow =
    [
        new PmReferenceBalanceAnalyzer(), new ContractAnalyzer(), new DeviceAccessAnalyzer(), new SyncTransitionUnderLockAnalyzer(),
        new MemoryLockBalanceAnalyzer(), new GuardedByAnalyzer(),
    ];

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

    private static async Task Check(string body)
    {
        var source = Set + "sealed partial class DevSet\n{\n    readonly List<Vdev> _devices = new();\n" + body + "\n}\n";
        var run = await AnalyzerRun.RunAsync(TestCompilation.Create(source), Flow, VerifierSettings.Default.AnalyzerOptions());
        run.AssertNoAnalyzerFailures();
        var lines = source.Split('\n');
        var expected = lines
            .Select((text, i) => (Line: i + 1, Ids: Regex.Matches(text, @"// (VPM\d{4}(?:, VPM\d{4})*)").SelectMany(m => m.Groups[1].Value.Split(", "))))
            .SelectMany(x => x.Ids.Select(id => $"{id}@{x.Line}"))
            .OrderBy(x => x, System.StringComparer.Ordinal)
            .ToArray();
        var actual = run.Diagnostics
            .Where(d => d.Id.StartsWith("VPM", System.StringComparison.Ordinal))
            .Select(d => $"{d.Id}@{d.Location.GetLineSpan().StartLinePosition.Line + 1}")
            .Distinct()
            .OrderBy(x => x, System.StringComparer.Ordinal)
            .ToArray();
        Assert.True(expected.SequenceEqual(actual), $"expected [{string.Join(", ", expected)}]\nactual   [{string.Join(", ", actual)}]\n"
            + string.Join("\n", run.Diagnostics.Select(d => d.ToString())));
    }

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
        """);

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
        """);

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
        """);

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
        """);

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
        """);

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
        """);
}
