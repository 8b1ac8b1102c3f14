using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// References owned by the state of another object (a parameter, a local, a foreach variable) and counted ownership, on
/// the runtime.c code they come from: <c>pm_runtime_allow()</c>/<c>pm_runtime_forbid()</c> (a reference owned while
/// <c>runtime_auto</c> is false), <c>pm_runtime_get_suppliers()</c>/<c>pm_runtime_put_suppliers()</c> (one per link,
/// recorded in <c>supplier_preactivated</c>), <c>rpm_get_suppliers()</c>/<c>pm_runtime_release_supplier()</c> and
/// <c>device_link_add()</c> (counted in <c>rpm_active</c>, given back per <c>refcount_dec_not_one()</c>), and SOF's
/// <c>d3_prevented</c> (a reference recorded in a flag, or reported where it is taken). The flow rules run at once
/// (<see cref="VfioPmRulesAnalyzerTest"/>); <c>{|VPMxxxx:…|}</c> marks an expected diagnostic, <c>{|#n:…|}</c> a
/// location an expected diagnostic names; every other diagnostic fails the test.
/// </summary>
public sealed class StateOwnershipContractTests
{
    // struct device_link and a consumer's dev_pm_info, as a driver author would annotate them.
    private const string Links = """
        using System.Collections.Generic; using System.Threading;
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;

        sealed class Link
        {
            public Link(Device supplier, bool pmRuntime) { Supplier = supplier; PmRuntime = pmRuntime; }
            public Device Supplier { get; }
            public bool PmRuntime { get; }

            // refcount_t rpm_active: one supplier reference per unit above its starting 1.
            [OwnsPmReference(nameof(Supplier), Counted = true)] public int RpmActive = 1;

            // The reference pm_runtime_get_suppliers() took for a probe.
            [OwnsPmReference(nameof(Supplier))] public bool SupplierPreactivated;

            // refcount_dec_not_one(&link->rpm_active): true when it took one unit off, handing that reference back.
            [AcquiresPmReference(nameof(Supplier), OnSuccess = true)]
            public bool RpmActiveDecNotOne()
            {
                if (RpmActive == 1)
                    return false;
                RpmActive--;
                return true;
            }
        }

        sealed class Consumer
        {
            public Consumer(Device dev) { Dev = dev; }
            public Device Dev { get; }
            public List<Link> Suppliers { get; } = new();

            // power.runtime_auto: while it is false (power/control "on") the device holds one usage reference.
            [ForgoesPmReference(nameof(Dev))] public bool RuntimeAuto = true;
        }

        """;

    private static Task Check(string body, params DiagnosticResult[] expected)
        => VfioPmRulesAnalyzerTest.RunAsync(Links + "static class RuntimeC\n{\n" + body + "\n}\n", expected);

    // ---- a flag of a parameter: runtime_auto ------------------------------------------------------------------------

    [Fact]
    public Task AllowAndForbidMoveTheReferenceOwnedWhileRuntimeAutoIsFalse() => Check("""
        // pm_runtime_forbid(): power/control "on" takes one usage reference and resumes.
        static void Forbid(Consumer dev)
        {
            lock (dev)
            {
                if (!dev.RuntimeAuto)
                    return;

                dev.RuntimeAuto = false;
                dev.Dev.Power.GetNoResume();
                dev.Dev.Power.Resume();
            }
        }

        // pm_runtime_allow(): power/control "auto" drops it again.
        static void Allow(Consumer dev)
        {
            lock (dev)
            {
                if (dev.RuntimeAuto)
                    return;

                dev.RuntimeAuto = true;
                dev.Dev.Power.Put();
            }
        }
        """);

    [Fact]
    public Task ForbidThatClearsRuntimeAutoWithoutTheGetIsReportedAtTheWrite() => Check("""
        static void Forbid(Consumer dev)
        {
            lock (dev)
            {
                if (!dev.RuntimeAuto)
                    return;

                {|VPM0002:dev.RuntimeAuto = false|};
                dev.Dev.Power.Resume();
            }
        }
        """);

    [Fact]
    public Task AllowThatSetsRuntimeAutoWithoutThePutLeaksTheReference() => Check("""
        static void Allow(Consumer dev)
        {
            lock (dev)
            {
                if (dev.RuntimeAuto)
                    return;

                dev.RuntimeAuto = true;
                dev.Dev.Power.RequestIdle();
            }
        {|VPM0001:}|}
        """);

    [Fact]
    public Task AllowThatPutsWhileRuntimeAutoIsAlreadySetIsAnUnderflow() => Check("""
        // The early return tested the flag: when it is already set there is no reference to give back.
        static void Allow(Consumer dev)
        {
            if (dev.RuntimeAuto)
            {
                {|VPM0002:dev.Dev.Power.Put()|};
                return;
            }

            dev.RuntimeAuto = true;
            dev.Dev.Power.Put();
        }
        """);

    // ---- a flag of a foreach variable: supplier_preactivated ---------------------------------------------------------

    [Fact]
    public Task GetAndPutSuppliersRecordEachReferenceInItsLink() => Check("""
        // pm_runtime_get_suppliers(): resume every PM-runtime supplier before the consumer's probe, one reference each,
        // recorded in the link.
        static void GetSuppliers(Consumer dev)
        {
            foreach (var link in dev.Suppliers)
            {
                if (link.PmRuntime)
                {
                    link.SupplierPreactivated = true;
                    link.Supplier.Power.GetSync();
                }
            }
        }

        // pm_runtime_put_suppliers(): after the probe, exactly the references the flags record.
        static void PutSuppliers(Consumer dev)
        {
            foreach (var link in dev.Suppliers)
            {
                if (link.SupplierPreactivated)
                {
                    link.SupplierPreactivated = false;
                    link.Supplier.Power.Put();
                }
            }
        }
        """);

    [Fact]
    public Task ALinkMarkedWithoutItsGetIsReportedAtTheMark() => Check("""
        static void GetSuppliers(Consumer dev)
        {
            foreach (var link in dev.Suppliers)
            {
                if (link.PmRuntime)
                {
                    {|VPM0002:link.SupplierPreactivated = true|};
                    link.Supplier.Power.Resume();
                }
            }
        }
        """);

    [Fact]
    public Task PuttingEverySupplierWhateverItsFlagIsAnUnderflow() => Check("""
        // The links that were not preactivated hold nothing to put.
        static void PutSuppliers(Consumer dev)
        {
            foreach (var link in dev.Suppliers)
            {
                if (link.SupplierPreactivated)
                    link.SupplierPreactivated = false;
                {|VPM0002:link.Supplier.Power.Put()|};
            }
        }
        """);

    [Fact]
    public Task AClearWhoseValueIsNotKnownIsTrustedToHandTheReferenceBack() => Check("""
        // Not tested first: the write is taken as the transition it names (the kernel always tests, but a caller may
        // know by protocol), so the put it pays for is balanced. Only a value the path knows makes a write no transfer.
        static void PutSupplier(Link link)
        {
            link.SupplierPreactivated = false;
            link.Supplier.Power.Put();
        }
        """);

    [Fact]
    public Task AFlagClearedWithoutThePutLeaksTheReferenceItOwned() => Check("""
        static void PutSuppliers(Consumer dev)
        {
            foreach (var link in dev.Suppliers)
            {
                if (link.SupplierPreactivated)
                    link.SupplierPreactivated = false;
            }
        {|VPM0001:}|}
        """);

    [Fact]
    public Task AFlagOfALocalMovesTheReferenceOfThatLink() => Check("""
        static Link? Find(Consumer dev, Device supplier) => null;

        static int Preactivate(Consumer dev, Device supplier)
        {
            Link? link = Find(dev, supplier);
            if (link is null)
                return -Errno.ENODEV;

            if (!link.SupplierPreactivated)
            {
                link.SupplierPreactivated = true;
                link.Supplier.Power.GetNoResume();
            }

            return 0;
        }
        """);

    [Fact]
    public Task ALocalAssignedAnotherLinkKnowsNothingOfItsFlag() => Check("""
        // What the first link's test said is not known of the second: its clear hands a reference back.
        static void Drop(Link first, Link second)
        {
            var link = first;
            if (link.SupplierPreactivated)
            {
                link.SupplierPreactivated = false;
                link.Supplier.Power.Put();
            }

            link = second;
            link.SupplierPreactivated = false;
            link.Supplier.Power.Put();
        }
        """);

    [Fact]
    public Task AnOwnerReachedByIndexIsNotGuessed() => Check("""
        // The same protocols over an indexed list: which element's reference a write moves is beyond the per-element
        // holds, so neither the flag nor the count is judged there (silent rather than a guess); foreach is exact.
        static void GetSuppliers(Consumer dev)
        {
            for (var i = 0; i < dev.Suppliers.Count; i++)
            {
                var link = dev.Suppliers[i];
                if (link.PmRuntime)
                {
                    link.SupplierPreactivated = true;
                    link.Supplier.Power.GetSync();
                }
            }
        }

        static int RpmGetSuppliers(Consumer dev)
        {
            for (var i = 0; i < dev.Suppliers.Count; i++)
            {
                int retval = dev.Suppliers[i].Supplier.Power.GetSync();
                if (retval < 0 && retval != -Errno.EACCES)
                {
                    dev.Suppliers[i].Supplier.Power.PutNoIdle();
                    return retval;
                }
                dev.Suppliers[i].RpmActive++;
            }

            return 0;
        }

        static void PutSuppliers(Consumer dev)
        {
            for (var i = 0; i < dev.Suppliers.Count; i++)
            {
                if (dev.Suppliers[i].SupplierPreactivated)
                {
                    dev.Suppliers[i].SupplierPreactivated = false;
                    dev.Suppliers[i].Supplier.Power.Put();
                }
            }
        }
        """);

    [Fact]
    public Task AConstructorSetsTheStateItsObjectStartsIn() => VfioPmRulesAnalyzerTest.RunAsync(Links + """
        sealed class Started
        {
            public Started(Device dev) { Dev = dev; RuntimeAuto = true; Preactivated = false; Count = 1; }
            public Device Dev { get; }
            [ForgoesPmReference(nameof(Dev))] public bool RuntimeAuto;      // pm_runtime_init(): runtime_auto = true
            [OwnsPmReference(nameof(Dev))] public bool Preactivated;
            [OwnsPmReference(nameof(Dev), Counted = true)] public int Count;
        }

        sealed class Pinned
        {
            // A constructor that takes the reference its object records: handed over, balanced.
            public Pinned(Device dev)
            {
                Dev = dev;
                Dev.Power.GetNoResume();
                Held = true;
            }

            // One that takes it and records nothing: the reference leaks where it is taken.
            public Pinned(Device dev, int unused)
            {
                Dev = dev;
                {|#0:Dev.Power.GetNoResume()|};
            {|#1:}|}

            public Device Dev { get; }
            [OwnsPmReference(nameof(Dev))] public bool Held;
        }
        """,
        Verify.Diagnostic("VPM0001").WithLocation(0).WithLocation(1));

    // ---- counted ownership: rpm_active -------------------------------------------------------------------------------

    [Fact]
    public Task RpmGetSuppliersCountsEveryReferenceItKeepsIncludingEacces() => Check("""
        // rpm_get_suppliers(): a supplier with runtime PM disabled (-EACCES) is tolerated: get_sync's reference is
        // kept and counted like a successful one.
        static int GetSuppliers(Consumer dev)
        {
            foreach (var link in dev.Suppliers)
            {
                int retval;

                if (!link.PmRuntime)
                    continue;

                retval = link.Supplier.Power.GetSync();
                if (retval < 0 && retval != -Errno.EACCES)
                {
                    link.Supplier.Power.PutNoIdle();
                    return retval;
                }
                link.RpmActive++;
            }

            return 0;
        }
        """);

    [Fact]
    public Task CountingOnlyTheSuccessesLeaksTheEaccesReference() => Check("""
        // One link of rpm_get_suppliers(): -EACCES is tolerated, so its reference must be counted too.
        static int GetSupplier(Link link)
        {
            var retval = {|VPM0003:link.Supplier.Power.GetSync()|};
            if (retval < 0 && retval != -Errno.EACCES)
            {
                link.Supplier.Power.PutNoIdle();
                return retval;
            }

            if (retval >= 0)
                link.RpmActive++;
            return 0;
        }
        """);

    [Fact]
    public Task AGetNeitherPutNorCountedIsReportedAtTheGet() => Check("""
        // The supplier is kept up for the consumer, but neither the count nor the flag records it.
        static int GetSupplier(Link link)
        {
            if (!link.PmRuntime)
                return -Errno.EINVAL;
            {|#0:link.Supplier.Power.GetNoResume()|};
            {|#1:return 0;|}
        }
        """,
        Verify.Diagnostic("VPM0001").WithLocation(0).WithLocation(1)
            .WithArguments("link.Supplier.Power", "returns at line 44, nor handed to 'RpmActive' or 'SupplierPreactivated', where the object keeps its references on it"));

    [Fact]
    public Task AnIncrementWithoutAGetIsReportedAtTheIncrement() => Check("""
        // The supplier is resumed but no reference is taken: the count claims one nobody holds.
        static int GetSupplier(Link link)
        {
            var ret = link.Supplier.Power.Resume();
            if (ret < 0)
                return ret;
            {|VPM0002:Interlocked.Increment(ref link.RpmActive)|};
            return 0;
        }
        """);

    [Fact]
    public Task EveryFormOfStepMovesItsNumberOfReferences() => Check("""
        // Two references handed over at once, then given back one by one through the lock-free forms.
        static void TwoThenBack(Link link)
        {
            link.Supplier.Power.GetNoResume();
            link.Supplier.Power.GetNoResume();
            link.RpmActive += 2;

            Interlocked.Decrement(ref link.RpmActive);
            link.Supplier.Power.PutNoIdle();
            Interlocked.Add(ref link.RpmActive, -1);
            link.Supplier.Power.PutNoIdle();
        }

        // A reset of the count is no step: it moves nothing (and a put after it has nothing to put).
        static void Reset(Link link)
        {
            link.RpmActive = 1;
            {|VPM0002:link.Supplier.Power.PutNoIdle()|};
        }

        static void OneTooMany(Link link)
        {
            link.Supplier.Power.GetNoResume();
            {|VPM0002:link.RpmActive += 2|};
        }
        """);

    [Fact]
    public Task ACountedOwnerMustBeAnIntegerWithoutAFlag() => VfioPmRulesAnalyzerTest.RunAsync(Links + """
        sealed class Misdeclared
        {
            public Device Supplier { get; } = null!;
            public bool Latched { get; }
            [OwnsPmReference(nameof(Supplier), Counted = true)] public bool {|VPM0011:Active|};
            [OwnsPmReference(nameof(Supplier), Counted = true, Unless = nameof(Latched))] public int {|VPM0011:Count|};
            [OwnsPmReference(nameof(Supplier), Counted = true)] public long Units { get; set; }
        }
        """);

    [Fact]
    public Task ACountingHelperDeclaresThatItTakesTheCallersReference() => Check("""
        // refcount_inc(&link->rpm_active) in a helper of its own: it consumes the caller's reference, so it says so,
        // and its callers' gets are balanced by the call.
        [ReleasesPmReference("link.Supplier")]
        static void CountSupplier(Link link) => Interlocked.Increment(ref link.RpmActive);

        static void Undeclared(Link link) => {|VPM0002:Interlocked.Increment(ref link.RpmActive)|};

        static int GetSupplier(Link link)
        {
            var ret = link.Supplier.Power.ResumeAndGet();
            if (ret < 0)
                return ret;
            CountSupplier(link);
            return 0;
        }
        """);

    [Fact]
    public Task ReleaseSupplierPutsOneReferencePerUnitTakenOff() => Check("""
        // pm_runtime_release_supplier(): the usage-count check is a safety net for a saturated rpm_active; a path
        // that holds the reference it is about to put knows the count is not zero.
        static void ReleaseSupplier(Link link)
        {
            while (link.RpmActiveDecNotOne() && link.Supplier.Power.UsageCount > 0)
                link.Supplier.Power.PutNoIdle();
        }

        // __rpm_put_suppliers()
        static void PutSuppliers(Consumer dev, bool tryToSuspend)
        {
            foreach (var link in dev.Suppliers)
            {
                ReleaseSupplier(link);
                if (tryToSuspend)
                    link.Supplier.Power.RequestIdle();
            }
        }
        """);

    [Fact]
    public Task PuttingWhileTheUsageCountIsPositiveButNotCountedIsAnUnderflow() => Check("""
        // Puts every reference the supplier has, not the ones the link counted.
        static void ReleaseSupplier(Link link)
        {
            while (link.Supplier.Power.UsageCount > 0)
                {|VPM0002:link.Supplier.Power.PutNoIdle()|};
        }
        """);

    [Fact]
    public Task ADecrementWithoutThePutLeaksTheReferenceHandedBack() => Check("""
        static void DropLink(Link link)
        {
            if (link.RpmActive > 1)
                link.RpmActive--;
        {|VPM0001:}|}
        """);

    [Fact]
    public Task ADecNotOneHelperThatReportsADecrementItDidNotMakeIsAContractMismatch() => Check("""
        [AcquiresPmReference("link.Supplier", OnSuccess = true)]
        static bool DecNotOne(Link link)
        {
            if (link.RpmActive == 1)
                {|VPM0011:return true;|}
            link.RpmActive--;
            return true;
        }
        """);

    [Fact]
    public Task ADecNotOneHelperThatHidesItsDecrementIsAContractMismatch() => Check("""
        [AcquiresPmReference("link.Supplier", OnSuccess = true)]
        static bool DecNotOne(Link link)
        {
            if (link.RpmActive == 1)
                return false;
            link.RpmActive--;
            {|VPM0011:return false;|}
        }
        """);

    [Fact]
    public Task RefcountDecNotOneAsACompareExchangeLoopIsChecked() => Check("""
        // refcount_dec_not_one() on a lock-free count: one unit off only when the exchange happened.
        [AcquiresPmReference("link.Supplier", OnSuccess = true)]
        static bool DecNotOne(Link link)
        {
            while (true)
            {
                var current = Volatile.Read(ref link.RpmActive);
                if (current <= 1)
                    return false;

                if (Interlocked.CompareExchange(ref link.RpmActive, current - 1, current) == current)
                    return true;
            }
        }

        [AcquiresPmReference("link.Supplier", OnSuccess = true)]
        static bool DecNotOneIgnoringTheExchange(Link link)
        {
            var current = Volatile.Read(ref link.RpmActive);
            if (current <= 1)
                return false;

            Interlocked.CompareExchange(ref link.RpmActive, current - 1, current);
            {|VPM0011:return true;|}
        }
        """);

    [Fact]
    public Task DeviceLinkAddHandsTheGetSyncReferenceToTheNewLink() => Check("""
        // device_link_add() with DL_FLAG_RPM_ACTIVE: the supplier is resumed and its reference counted in the new link.
        static Link? Add(Consumer consumer, Device supplier, bool rpmActive)
        {
            var link = new Link(supplier, pmRuntime: true);
            if (rpmActive)
            {
                if (link.Supplier.Power.GetSync() < 0)
                {
                    link.Supplier.Power.PutNoIdle();
                    return null;
                }

                Interlocked.Increment(ref link.RpmActive);
            }

            consumer.Suppliers.Add(link);
            return link;
        }
        """);

    // ---- a latched owner of a parameter, the device reached through an alias: vfio_pci_core_enable() ---------------------

    private const string Vdev = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;

        sealed class Vdev
        {
            public Vdev(PciDevice pdev, bool disableIdleD3) { Pdev = pdev; DisableIdleD3 = disableIdleD3; }
            [PmDevice] public PciDevice Pdev { get; }

            // disable_idle_d3, latched at registration: registration keeps the PCI core's probe reference.
            [OwnsPmReference(nameof(Pdev))] public bool DisableIdleD3 { get; }
        }

        static class Config
        {
            [DeviceAccess(LockFree = true)] public static ushort ReadWord(PciDevice pdev, int offset) => 0;
            public static int EnableDevice(PciDevice pdev) => 0;
        }

        """;

    [Fact]
    public Task TheLatchedOwnerOfAParameterKeepsTheDeviceUpThroughAnAlias() => VfioPmRulesAnalyzerTest.RunAsync(Vdev + """
        static class Core
        {
            // vfio_pci_core_enable(): without disable_idle_d3 it takes the open reference; with it, registration's
            // probe reference keeps the function in D0, so the config read through the alias is safe on both paths.
            [AcquiresPmReference("vdev.Pdev", OnSuccess = true, Unless = "vdev.DisableIdleD3")]
            static int Enable(Vdev vdev)
            {
                var pdev = vdev.Pdev;
                int ret;

                if (!vdev.DisableIdleD3)
                {
                    ret = pdev.Power.ResumeAndGet();
                    if (ret < 0)
                        return ret;
                }

                ret = Config.EnableDevice(pdev);
                if (ret != 0)
                    goto out_power;

                var cmd = Config.ReadWord(pdev, 4);
                return 0;

            out_power:
                if (!vdev.DisableIdleD3)
                    pdev.Power.Put();
                {|VPM0006:Config.ReadWord(pdev, 6)|}; // after the put, without disable_idle_d3 nothing keeps it up
                return ret;
            }
        }
        """);

    // ---- a reference recorded in a flag, or reported where it is taken: SOF's d3_prevented -------------------------------

    private const string Sof = """
        sealed class Sof
        {
            public Sof(Device dev) { Dev = dev; }
            public Device Dev { get; }
            public bool RetainContext { get; set; }

            // d3_prevented: the reference that keeps the DSP out of D3 to preserve its context, given back at remove.
            [OwnsPmReference(nameof(Dev))] public bool D3Prevented;

        """;

    [Fact]
    public Task AReferenceRecordedInTheOwningFlagIsBalanced() => VfioPmRulesAnalyzerTest.RunAsync(Links + Sof + """
            // snd_sof_handle_fw_exception() after the fix: taken once, recorded.
            public void HandleFwException()
            {
                if (RetainContext && !D3Prevented)
                {
                    D3Prevented = true;
                    Dev.Power.GetNoResume();
                }
            }

            // snd_sof_device_remove()
            public void Remove()
            {
                if (D3Prevented)
                {
                    D3Prevented = false;
                    Dev.Power.PutNoIdle();
                }
            }
        }
        """);

    [Fact]
    public Task AReferenceKeptWithoutRecordingItIsReportedAtTheGet() => VfioPmRulesAnalyzerTest.RunAsync(Links + Sof + """
            // Before the fix: every exception takes another reference nothing records.
            public void HandleFwException()
            {
                if (RetainContext)
                    {|#0:Dev.Power.GetNoResume()|};
            {|#1:}|}
        }
        """,
        Verify.Diagnostic("VPM0001").WithLocation(0).WithLocation(1));

    [Fact]
    public Task AnErrorPathLeakStaysAtItsExitInAnObjectWithAnOwner() => VfioPmRulesAnalyzerTest.RunAsync(Links + Sof + """
            // Put on the success path, not on the error path: the classic leak, reported where the path leaves.
            public int DumpRegisters(bool fail)
            {
                {|#0:Dev.Power.GetNoResume()|};
                if (fail)
                    {|#1:return -Errno.EIO;|}
                Dev.Power.PutNoIdle();
                return 0;
            }
        }
        """,
        Verify.Diagnostic("VPM0001").WithLocation(1).WithLocation(0));

    [Fact]
    public Task AnotherTypesPrivateOwnerIsNoPlaceToRecordTheReference() => VfioPmRulesAnalyzerTest.RunAsync(Links + """
        sealed class Dsp
        {
            public Dsp(Device dev) { Dev = dev; }
            public Device Dev { get; }
            [OwnsPmReference(nameof(Dev))] private bool _d3Prevented;
        }

        static class Debugfs
        {
            // The owner is not this code's to write: the leak is where the path leaves, as for any get.
            static void Poke(Dsp dsp)
            {
                {|#0:dsp.Dev.Power.GetNoResume()|};
            {|#1:}|}
        }
        """,
        Verify.Diagnostic("VPM0001").WithLocation(1).WithLocation(0));
}
