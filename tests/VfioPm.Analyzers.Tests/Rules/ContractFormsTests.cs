using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// The contract forms of the kernel's ownership patterns, on kernel-shaped code: a latched flag (disable_idle_d3),
/// release on success (vfio_pci_runtime_pm_entry), references owned by object state (pm_runtime_engaged, the SR-IOV PF
/// reference, the open reference), the hardware lock named by [PtGuardedBy], and VPM0007 derived from
/// [MayRunPmCallbacks] and the driver's callbacks. The flow rules run at once (<see cref="VfioPmRulesAnalyzerTest"/>); each reported line carries a
/// <c>// VPMxxxx</c> comment, and the test expects exactly those diagnostics at their spans.
/// </summary>
public sealed class ContractFormsTests
{
    // A vfio-pci core device as a driver author would declare it against the real runtime.
    private const string Device = """
        using System.Threading;
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci; using VfioPm.Runtime.Vfio;
        sealed partial class Vdev
        {
            public Vdev(PciDevice pdev, bool disableIdleD3) { Pdev = pdev; DisableIdleD3 = disableIdleD3; }
            [PmDevice, PtGuardedBy(nameof(MemoryLock))] public PciDevice Pdev { get; }
            public MemoryLock MemoryLock { get; } = new();
            [OwnsPmReference(nameof(Pdev))] public bool DisableIdleD3 { get; } // registration keeps the probe reference
            public bool Mutable { get; set; }
            [GuardedBy(nameof(MemoryLock)), ForgoesPmReference(nameof(Pdev))] bool _engaged;
            [GuardedBy(nameof(MemoryLock)), OwnsPmReference(nameof(Pdev))] bool _sriovActive;
            [OwnsPmReference(nameof(Pdev), Unless = nameof(DisableIdleD3))] bool _enabled;
            public bool Engaged => Volatile.Read(ref _engaged);
            [RuntimePmCallback, ExcludesMemoryLock] int RuntimeSuspend() { using (MemoryLock.WriteLock()) { } return 0; }
        }

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(Device + "sealed partial class Vdev\n{\n" + body + "\n}\n", expected);

    // ---- latched flag (disable_idle_d3) ---------------------------------------------------------------------------

    [Fact]
    public Task RegisterDropsTheProbeReferenceUnlessDisableIdleD3() => Check("""
        // vfio_pci_core_register_device(): the probe reference is dropped only when registration succeeds and only
        // without disable_idle_d3; the bridge check fails before anything is touched.
        [ReleasesPmReference(nameof(Pdev), OnSuccess = true, Unless = nameof(DisableIdleD3))]
        int Register()
        {
            if (Pdev.IsBridge)
                return -Errno.EINVAL;
            Pdev.Power.Allow();
            if (!DisableIdleD3)
                Pdev.Power.Put();
            return 0;
        }

        // The caller hands the obligation on with the same contract; the latched flag is the same fact in both bodies.
        [ReleasesPmReference(nameof(Pdev), OnSuccess = true, Unless = nameof(DisableIdleD3))]
        int Probe(bool fail)
        {
            if (fail)
                return -Errno.ENODEV;
            return Register();
        }
        """);

    [Fact]
    public Task ReleaseThatIgnoresTheLatchedFlagIsReported() => Check("""
        [ReleasesPmReference(nameof(Pdev), Unless = nameof(DisableIdleD3))]
        void Disable()
        {
            Pdev.Power.Put();
            if (DisableIdleD3)
                return; // VPM0011
        }
        """,
        Verify.Diagnostic("VPM0011").WithSpan(23, 9, 23, 16));

    [Fact]
    public Task UnlessMustNameALatchedFlag() => Check("""
        // Malformed: reported on the declaration.
        [AcquiresPmReference(nameof(Pdev), Unless = nameof(Mutable))]
        void Get() // VPM0011
        {
            if (!Mutable)
                Pdev.Power.GetNoResume();
        }
        """,
        Verify.Diagnostic("VPM0011").WithSpan(20, 6, 20, 9));

    [Fact]
    public Task CallerOfALatchedContractFollowsTheFlag() => Check("""
        [AcquiresPmReference(nameof(Pdev), Unless = nameof(DisableIdleD3))]
        void TakeOpenReference()
        {
            if (!DisableIdleD3)
                Pdev.Power.GetNoResume();
        }

        void Balanced()
        {
            TakeOpenReference();
            if (!DisableIdleD3)
                Pdev.Power.PutNoIdle();
        }

        void Leaks()
        {
            TakeOpenReference();
        } // VPM0001
        """,
        Verify.Diagnostic("VPM0001").WithSpan(35, 1, 35, 2).WithSpan(34, 5, 34, 24));

    [Fact]
    public Task NegatedFlagWaivesTheContractWhenFalse() => Check("""
        // pcie_portdrv_probe()/remove(): the probe reference is handed back only where bridge D3 is possible.
        [ReleasesPmReference("device", Unless = "!device.Spec.BridgeD3Possible")]
        static int PortProbe(PciDevice device)
        {
            if (device.Spec.BridgeD3Possible)
                device.Power.PutAutosuspend();
            return 0;
        }

        [ReleasesPmReference("device", Unless = "!device.Spec.BridgeD3Possible")]
        static int PortProbeAlwaysPuts(PciDevice device)
        {
            if (device.Spec.BridgeD3Possible)
                device.Power.Allow();
            device.Power.PutAutosuspend();
            return 0; // VPM0011
        }

        [AcquiresPmReference("device", Unless = "!device.Spec.BridgeD3Possible")]
        static void PortRemove(PciDevice device)
        {
            if (device.Spec.BridgeD3Possible)
                device.Power.GetNoResume();
        }
        """,
        Verify.Diagnostic("VPM0011").WithSpan(33, 5, 33, 14));

    // ---- release on success (vfio_pci_runtime_pm_entry) -----------------------------------------------------------

    [Fact]
    public Task ReleaseOnSuccessKeepsTheReferenceOnFailure() => Check("""
        [ReleasesPmReference(nameof(Pdev), OnSuccess = true)]
        int GiveUp(bool busy)
        {
            if (busy)
                return -Errno.EBUSY;
            Pdev.Power.PutNoIdle();
            return 0;
        }

        [ReleasesPmReference(nameof(Pdev), OnSuccess = true)]
        int GiveUpTwice(bool busy)
        {
            Pdev.Power.PutNoIdle();
            if (busy)
                return -Errno.EBUSY; // VPM0011
            return 0;
        }

        int Caller(bool busy)
        {
            if (Pdev.Power.ResumeAndGet() < 0)
                return -Errno.EIO;
            var ret = GiveUp(busy);
            if (ret != 0)
                Pdev.Power.Put();
            return ret;
        }
        """,
        Verify.Diagnostic("VPM0011").WithSpan(32, 9, 32, 29));

    // ---- ownership held by object state ---------------------------------------------------------------------------

    [Fact]
    public Task EngagedFlagPaysForPutNoIdleAndGetNoResume() => Check("""
        // vfio_pci_runtime_pm_entry() / __vfio_pci_runtime_pm_exit(): the flag is tested first, as the kernel does.
        int Entry()
        {
            using (MemoryLock.WriteLock())
            {
                if (_engaged)
                    return -Errno.EINVAL;
                _engaged = true;
                Pdev.Power.PutNoIdle();
                return 0;
            }
        }

        [RequiresMemoryLock(MemoryLockMode.Exclusive)]
        void ExitLocked()
        {
            if (!_engaged)
                return;
            _engaged = false;
            Pdev.Power.GetNoResume();
        }
        """);

    [Fact]
    public Task FlagSetWithoutThePutAndPutWithoutTheFlagAreReported() => Check("""
        void SetsTheFlagOnly()
        {
            using (MemoryLock.WriteLock())
            {
                _engaged = true;
            }
        } // VPM0001

        void PutsWithoutTheFlag()
        {
            using (MemoryLock.WriteLock())
            {
                Pdev.Power.PutNoIdle(); // VPM0002
            }
        }

        [RequiresMemoryLock(MemoryLockMode.Exclusive)]
        void ClearsWithoutTheGet()
        {
            if (!_engaged)
                return;
            _engaged = false; // VPM0002
        }
        """,
        Verify.Diagnostic("VPM0001").WithSpan(24, 1, 24, 2).WithSpan(22, 9, 22, 24),
        Verify.Diagnostic("VPM0002").WithSpan(30, 9, 30, 31),
        Verify.Diagnostic("VPM0002").WithSpan(39, 5, 39, 21));

    [Fact]
    public Task SriovEnableKeepsThePfReferenceInTheFlagAndDisablePutsItOnce() => Check("""
        // vfio_pci_core_sriov_configure(): enable pins the PF while VFs exist, unwinds on failure; disable puts once.
        int Configure(int numVfs)
        {
            if (numVfs > 0)
            {
                var ret = Pdev.Power.ResumeAndGet();
                if (ret < 0)
                    return ret;
                using (MemoryLock.WriteLock())
                {
                    _sriovActive = true;
                }

                ret = Pdev.EnableSriov(numVfs);
                if (ret != 0)
                {
                    using (MemoryLock.WriteLock())
                    {
                        _sriovActive = false;
                    }

                    Pdev.Power.Put();
                    return ret;
                }

                return numVfs;
            }

            if (Pdev.NumVfs > 0)
            {
                Pdev.DisableSriov();
                using (MemoryLock.WriteLock())
                {
                    _sriovActive = false;
                }

                Pdev.Power.Put();
            }

            return 0;
        }
        """);

    [Fact]
    public Task SriovSeededBugsAreReportedAtTheirLines() => Check("""
        // The seeds' review: a put skipped on one error path, and an unwind that puts one too many.
        int SkipsThePut(int numVfs)
        {
            var ret = Pdev.Power.ResumeAndGet();
            if (ret < 0)
                return ret;
            using (MemoryLock.WriteLock())
            {
                _sriovActive = true;
            }

            ret = Pdev.EnableSriov(numVfs);
            if (ret != 0)
            {
                using (MemoryLock.WriteLock())
                {
                    _sriovActive = false;
                }

                return ret; // VPM0001
            }

            return numVfs;
        }

        int PutsTwice(int numVfs)
        {
            var ret = Pdev.Power.ResumeAndGet();
            if (ret < 0)
                return ret;
            ret = Pdev.EnableSriov(numVfs);
            if (ret != 0)
            {
                Pdev.Power.Put();
                Pdev.Power.Put(); // VPM0002
                return ret;
            }

            using (MemoryLock.WriteLock())
            {
                _sriovActive = true;
            }

            return numVfs;
        }
        """,
        Verify.Diagnostic("VPM0001").WithSpan(37, 9, 37, 20).WithSpan(34, 13, 34, 33),
        Verify.Diagnostic("VPM0002").WithSpan(52, 9, 52, 25));

    [Fact]
    public Task OpenReferenceOwnedByTheEnabledDeviceUnlessDisableIdleD3() => Check("""
        // vfio_pci_core_enable()/disable(): the open reference lives in the enabled state; with disable_idle_d3 there
        // is none, and the registration's reference keeps the function up.
        [NoConcurrentUsers("first open: no file exists yet")]
        int Enable()
        {
            if (!DisableIdleD3)
            {
                var ret = Pdev.Power.ResumeAndGet();
                if (ret < 0)
                    return ret;
            }

            if (Pdev.ResetFunction() == -Errno.EAGAIN)
            {
                if (!DisableIdleD3)
                    Pdev.Power.Put();
                return -Errno.EAGAIN;
            }

            _enabled = true;
            return 0;
        }

        [NoConcurrentUsers("last close: every file is released")]
        void Disable()
        {
            if (!_enabled)
                return;
            _enabled = false;
            Pdev.WriteConfig16(4, 0);
            if (!DisableIdleD3)
                Pdev.Power.Put();
        }
        """);

    // ---- hardware contracts: where the lock is named, which device needs the reference ---------------------------

    [Fact]
    public Task PciAccessThroughTheGuardedMemberNeedsTheGuardInTheAccessMode() => Check("""
        [RequiresPmReference]
        int Access(PciDevice other, System.Span<byte> buf)
        {
            var n = Pdev.ReadBar(0, 0, buf); // VPM0004
            using (MemoryLock.ReadLock())
            {
                n += Pdev.ReadBar(0, 0, buf);
                n += Pdev.ResetFunction(); // VPM0005
            }

            using (MemoryLock.WriteLock())
            {
                n += Pdev.ResetFunction();
            }

            // Config space takes no memory_lock in vfio; a function not reached through the guard needs none either.
            n += Pdev.ReadConfig16(0);
            return n;
        }
        """,
        Verify.Diagnostic("VPM0004").WithSpan(21, 13, 21, 36),
        Verify.Diagnostic("VPM0005").WithSpan(25, 14, 25, 34));

    [Fact]
    public Task PciAccessNeedsAReferenceOnThatFunction() => Check("""
        int Access(PciDevice other)
        {
            if (other.Power.ResumeAndGet() < 0)
                return -Errno.EIO;
            var v = other.ReadConfig16(0);
            v += Pdev.ReadConfig16(0); // VPM0006
            other.Power.Put();
            return v;
        }

        [NoConcurrentUsers("probe: not registered yet")]
        int Probe()
        {
            if (Pdev.Power.ResumeAndGet() < 0)
                return -Errno.EIO;
            var r = Pdev.ResetFunction();
            Pdev.Power.Put();
            return r;
        }
        """,
        Verify.Diagnostic("VPM0006").WithSpan(23, 10, 23, 30));

    [Fact]
    public Task SyncResumeUnderTheLockTheCallbacksTakeIsVpm0007() => Check("""
        void UnderOwnLock(PciDevice other)
        {
            using (MemoryLock.WriteLock())
            {
                Pdev.Power.Resume(); // VPM0007
                Pdev.Power.GetNoResume();
                Pdev.Power.PutNoIdle();
                other.Power.Resume(); // VPM0007
            }
        }

        [RequiresPmReference]
        void EnableUnderLock(int n)
        {
            using (MemoryLock.WriteLock())
            {
                Pdev.EnableSriov(n); // VPM0007
            }
        }

        void OtherDevicesLock(Vdev peer)
        {
            using (peer.MemoryLock.WriteLock())
            {
                Pdev.Power.Resume();
            }
        }
        """,
        Verify.Diagnostic("VPM0007").WithSpan(22, 9, 22, 28),
        Verify.Diagnostic("VPM0007").WithSpan(25, 9, 25, 29),
        Verify.Diagnostic("VPM0007").WithSpan(34, 9, 34, 28));

    [Fact]
    public Task VolatileReadIsAnExplicitRacySnapshotOtherReadsNeedTheLock() => Check("""
        bool Snapshot() => Volatile.Read(ref _engaged);
        bool Racy() => _engaged; // VPM0009
        """,
        Verify.Diagnostic("VPM0009").WithSpan(19, 16, 19, 24));
}
