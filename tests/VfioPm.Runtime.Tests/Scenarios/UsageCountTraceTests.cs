using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Scenarios;

/// <summary>
/// Spec §3.16, row by row: the usage count (uc) and runtime status of a vfio-pci function through bind, open, the three
/// low-power features, accesses, close and unbind; then the <c>disable_idle_d3</c> and SR-IOV variants below the table.
/// </summary>
/// <remarks>
/// Where a row's value lives strictly inside one model call it is observed from inside that call:
/// row 1 from a wrapping driver's probe; rows 5, 11 and 13 by holding <c>memory_lock</c> for read on the test thread, so
/// that the ioctl (run on a second thread) stops right where its handler takes the lock for write, after the ioctl wrapper
/// took its reference; rows 8 and 10 from the runtime-PM transition trace; row 12 from the wake eventfd's signal, which is
/// raised inside the resume callback. Row 2 (allow: uc 1) and row 6 (put_noidle: uc 1) have no observation point between
/// them and the next row inside the same call (<see cref="VfioPciCoreDevice.Register"/>, the entry ioctl); they are checked
/// through the effect of the whole call (allowed + uc 0 at the end of register; engaged + uc 0 when the ioctl returns).
/// </remarks>
public sealed class UsageCountTraceTests
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);
    private static readonly long ConfigRegion = VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX);

    private readonly ITestOutputHelper _out;

    public UsageCountTraceTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void TraceRows0To15()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var gpu = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true });
        var transitions = RecordTransitions(platform, gpu);

        // Row 0: before bind — PCI default (forbidden).
        Expect(gpu, 1, RpmStatus.Active);
        Assert.Equal("on", gpu.Power.ControlText);

        var driver = new ObservingDriver(new VfioPciDriver());
        Assert.Equal(0, gpu.Bind(driver));

        // Row 1: probe get_sync.
        Assert.Equal((2, RpmStatus.Active), driver.AtProbe);

        // Rows 2 and 3: register allows runtime PM (runtime_auto = true) and puts; the suspend is asynchronous.
        Assert.Equal((0, RpmStatus.Active, true), driver.AfterProbe);
        Expect(gpu, 0, RpmStatus.Active);
        Assert.Equal("auto", gpu.Power.ControlText);
        platform.Settle(SettleTime);
        Expect(gpu, 0, RpmStatus.Suspended);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        var vdev = driver.Inner.GetDevice(gpu)!;

        // Row 4: open — resume_and_get; the runtime resume callback runs (nothing engaged, no eventfd).
        transitions.Clear();
        var file = vdev.Open();
        Expect(gpu, 1, RpmStatus.Active);
        Assert.Equal(new[] { (RpmStatus.Suspended, RpmStatus.Resuming, 1), (RpmStatus.Resuming, RpmStatus.Active, 1) }, transitions.Take());
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);
        Assert.False(vdev.PmRuntimeEngaged);

        // (Set-up for rows 9/10, not a table row: the user enables memory and maps BAR0; balanced, uc stays 1.)
        Assert.Equal(2, file.Write(new byte[] { (byte)PciRegs.CommandMemory, 0 }, ConfigRegion + PciRegs.Command));
        Assert.Equal(0, file.Mmap(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX, out var map));
        var buf4 = new byte[4];
        Assert.Equal(MmapAccess.Ok, map!.Read(0, buf4));
        Expect(gpu, 1, RpmStatus.Active);

        // Row 5: ioctl FEATURE(3, SET) begins — the wrapper's get.
        var row5 = IoctlHeldAtMemoryLock(vdev, file, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY), expectedUsage: 2);
        Assert.Equal((2, RpmStatus.Active, false), (row5.Usage, row5.Status, row5.Engaged));
        Assert.Equal(0, row5.Result);

        // Rows 6 and 7: entry gave up the open reference (put_noidle, engaged, mmaps zapped); the ioctl's put reached 0.
        Assert.True(vdev.PmRuntimeEngaged);
        Assert.False(map.IsMapped);
        Expect(gpu, 0, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(gpu, 0, RpmStatus.Suspended);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);

        // Row 8: read(config) — 1 during, 0 after; suspends again (feature 3 re-entry).
        transitions.Clear();
        Assert.Equal(2, file.Read(new byte[2], ConfigRegion));
        Assert.Equal(new[] { (RpmStatus.Suspended, RpmStatus.Resuming, 1), (RpmStatus.Resuming, RpmStatus.Active, 1) }, transitions.Take());
        Expect(gpu, 0, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(gpu, 0, RpmStatus.Suspended);

        // Row 9: mmap access — SIGBUS, no resume.
        transitions.Clear();
        Assert.Equal(MmapAccess.SigBus, map.Read(0, buf4));
        Expect(gpu, 0, RpmStatus.Suspended);
        Assert.Empty(transitions.Take());

        // Row 10: ioctl FEATURE(5, SET) — 1 (wrapper get, resumed) → 2 (exit get_noresume) → 1; mmap works again.
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Assert.Equal(new[] { (RpmStatus.Suspended, RpmStatus.Resuming, 1), (RpmStatus.Resuming, RpmStatus.Active, 1) }, transitions.Take());
        Expect(gpu, 1, RpmStatus.Active);
        Assert.False(vdev.PmRuntimeEngaged);
        Assert.Equal(MmapAccess.Ok, map.Read(0, buf4));
        platform.Settle(SettleTime);
        Expect(gpu, 1, RpmStatus.Active);

        // Row 11: ioctl FEATURE(4, SET, efd) — 2 → 1 → 0, then suspended.
        var efd = new EventFd();
        var fd = file.Fds.Install(efd);
        var row11 = IoctlHeldAtMemoryLock(vdev, file, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd), expectedUsage: 2);
        Assert.Equal((2, RpmStatus.Active, false, 0), (row11.Usage, row11.Status, row11.Engaged, row11.Result));
        Assert.True(vdev.PmRuntimeEngaged);
        Expect(gpu, 0, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(gpu, 0, RpmStatus.Suspended);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);

        // Row 12: any ioctl — 1 → resume callback signals the eventfd and exits → 2 → ioctl put → 1; stays active.
        var atSignal = new List<(int Usage, RpmStatus Status)>();
        efd.Signaled += (_, _) => atSignal.Add((gpu.Power.UsageCount, gpu.Power.Status));
        var info = new byte[16];
        info[0] = 16;
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
        Assert.Equal(new[] { (1, RpmStatus.Resuming) }, atSignal);
        Assert.Equal(1UL, efd.Count);
        Assert.False(vdev.PmRuntimeEngaged);
        Expect(gpu, 1, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(gpu, 1, RpmStatus.Active);

        // Row 13: ioctl FEATURE(5, SET) — 2 → 1; engaged already 0: a no-op returning 0.
        var row13 = IoctlHeldAtMemoryLock(vdev, file, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), expectedUsage: 2);
        Assert.Equal((2, RpmStatus.Active, false, 0), (row13.Usage, row13.Status, row13.Engaged, row13.Result));
        Expect(gpu, 1, RpmStatus.Active);
        Assert.Equal(1UL, efd.Count);

        // Row 14: close — … → put → suspended; no eventfd signal at close.
        file.Close();
        Expect(gpu, 0, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(gpu, 0, RpmStatus.Suspended);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(1UL, efd.Count);

        // Row 15: unbind — get_noresume, forbid → 2 (active); then the PCI core's put_sync → 1.
        Assert.Equal(0, vdev.Unregister());
        Expect(gpu, 2, RpmStatus.Active);
        Assert.Equal("on", gpu.Power.ControlText);
        gpu.Unbind();
        Expect(gpu, 1, RpmStatus.Active);
        Assert.Null(gpu.BoundDriver);
        Assert.Equal(0, gpu.Power.UnderflowWarnings);
        _out.WriteLine(platform.FormatTimeline());
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void DisableIdleD3Variant()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var gpu = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true });
        var driver = new ObservingDriver(new VfioPciDriver(new VfioPciOptions { DisableIdleD3 = true }));
        Expect(gpu, 1, RpmStatus.Active);
        Assert.Equal(0, gpu.Bind(driver));
        Assert.Equal((2, RpmStatus.Active), driver.AtProbe);

        // Step 3 does not put: uc stays 1 (this is also row 2's value: allow dropped the forbid reference).
        Assert.Equal((1, RpmStatus.Active, true), driver.AfterProbe);
        platform.Settle(SettleTime);
        Expect(gpu, 1, RpmStatus.Active);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);
        var vdev = driver.Inner.GetDevice(gpu)!;

        // Open/close do not get/put.
        var file = vdev.Open();
        Expect(gpu, 1, RpmStatus.Active);

        // Entry drops the probe reference instead: 2 → 1 in the ioctl, 0 after; the device can suspend.
        var entry = IoctlHeldAtMemoryLock(vdev, file, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY), expectedUsage: 2);
        Assert.Equal((2, RpmStatus.Active, false, 0), (entry.Usage, entry.Status, entry.Engaged, entry.Result));
        Expect(gpu, 0, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(gpu, 0, RpmStatus.Suspended);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);

        // Accesses resume and let it go again.
        Assert.Equal(2, file.Read(new byte[2], ConfigRegion));
        Expect(gpu, 0, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(gpu, 0, RpmStatus.Suspended);

        // EXIT re-takes it (balanced).
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Expect(gpu, 1, RpmStatus.Active);

        // So does close while engaged.
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        platform.Settle(SettleTime);
        Expect(gpu, 0, RpmStatus.Suspended);
        file.Close();
        Expect(gpu, 1, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(gpu, 1, RpmStatus.Active);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);

        // Unbind: forbid only (no get_noresume), then the PCI core's put_sync: back to the default of 1.
        Assert.Equal(0, vdev.Unregister());
        Expect(gpu, 2, RpmStatus.Active);
        gpu.Unbind();
        Expect(gpu, 1, RpmStatus.Active);
        Assert.Equal(0, gpu.Power.UnderflowWarnings);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void SriovVariant()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var pf = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true, TotalVfs = 4 });
        var driver = new VfioPciDriver();
        Assert.Equal(0, pf.Bind(driver));
        platform.Settle(SettleTime);
        Expect(pf, 0, RpmStatus.Suspended);
        var vdev = driver.GetDevice(pf)!;

        var file = vdev.Open();
        Expect(pf, 1, RpmStatus.Active);
        Assert.Equal(2, vdev.SriovConfigure(2));
        Expect(pf, 2, RpmStatus.Active);

        // The SR-IOV reference keeps uc >= 1: entry succeeds but the device never suspends and never signals.
        var efd = new EventFd();
        var fd = file.Fds.Install(efd);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd)));
        Expect(pf, 1, RpmStatus.Active);
        platform.Settle(SettleTime);
        Expect(pf, 1, RpmStatus.Active);
        Assert.Equal(PciPowerState.D0, pf.CurrentState);

        var info = new byte[16];
        info[0] = 16;
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
        Assert.Equal(2, file.Read(new byte[2], ConfigRegion));
        platform.Settle(SettleTime);
        Expect(pf, 1, RpmStatus.Active);
        Assert.Equal(0UL, efd.Count);
        Assert.True(vdev.PmRuntimeEngaged);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Expect(pf, 2, RpmStatus.Active);
        Assert.Equal(0, vdev.SriovConfigure(0));
        Expect(pf, 1, RpmStatus.Active);
        file.Close();
        platform.Settle(SettleTime);
        Expect(pf, 0, RpmStatus.Suspended);
        Assert.Equal(0UL, efd.Count);
        Assert.Empty(platform.FatalAccesses);
    }

    private static void Expect(PciDevice pdev, int usage, RpmStatus status) =>
        Assert.Equal((usage, status), (pdev.Power.UsageCount, pdev.Power.Status));

    /// <summary>
    /// Runs a feature ioctl on a second thread while this thread holds <c>memory_lock</c> for read. The ioctl wrapper's
    /// resume-and-get completes (the device is active, so no callback needs the lock); the handler then blocks taking
    /// the lock for write. The wait for the wrapper's reference is bounded; the handler cannot get further until the
    /// read hold is released.
    /// </summary>
    private static (int Usage, RpmStatus Status, bool Engaged, int Result) IoctlHeldAtMemoryLock(VfioPciCoreDevice vdev, VfioDeviceFile file, byte[] arg, int expectedUsage)
    {
        var pdev = vdev.Pdev;
        Assert.Equal(RpmStatus.Active, pdev.Power.Status);
        var result = int.MinValue;
        var thread = new Thread(() => result = file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, arg)) { IsBackground = true, Name = "feature ioctl" };
        int usage;
        RpmStatus status;
        bool engaged;
        vdev.MemoryLock.DownRead();
        try
        {
            thread.Start();
            Assert.True(SpinWait.SpinUntil(() => pdev.Power.UsageCount == expectedUsage, Bounded), "the ioctl wrapper's reference never appeared");
            usage = pdev.Power.UsageCount;
            status = pdev.Power.Status;
            engaged = vdev.PmRuntimeEngaged;
            Assert.True(thread.IsAlive);
        }
        finally
        {
            vdev.MemoryLock.UpRead();
        }

        Assert.True(thread.Join(Bounded), "the ioctl did not return");
        return (usage, status, engaged, result);
    }

    private static TransitionLog RecordTransitions(SimulatedPlatform platform, PciDevice pdev)
    {
        var log = new TransitionLog();
        platform.Environment.Transition += t =>
        {
            if (ReferenceEquals(t.Device, pdev))
            {
                log.Add((t.From, t.To, t.UsageCount));
            }
        };
        return log;
    }

    private static byte[] Feature(ushort index) => VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | index);

    private sealed class TransitionLog
    {
        private readonly List<(RpmStatus From, RpmStatus To, int Usage)> _items = new();

        public void Add((RpmStatus From, RpmStatus To, int Usage) item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        // Everything recorded since the last Take/Clear.
        public (RpmStatus From, RpmStatus To, int Usage)[] Take()
        {
            lock (_items)
            {
                var all = _items.ToArray();
                _items.Clear();
                return all;
            }
        }
    }

    /// <summary>vfio-pci behind a probe/remove observer: what the PCI core's probe reference looks like around register.</summary>
    private sealed class ObservingDriver : PciDriver
    {
        public ObservingDriver(VfioPciDriver inner) => Inner = inner;

        public VfioPciDriver Inner { get; }

        public (int Usage, RpmStatus Status) AtProbe { get; private set; }

        public (int Usage, RpmStatus Status, bool Allowed) AfterProbe { get; private set; }

        public override string Name => Inner.Name;

        public override IRuntimePmCallbacks? PmOps => Inner.PmOps;

        public override int Probe(PciDevice device)
        {
            AtProbe = (device.Power.UsageCount, device.Power.Status);
            var ret = Inner.Probe(device);
            AfterProbe = (device.Power.UsageCount, device.Power.Status, device.Power.IsAllowed);
            return ret;
        }

        public override void Remove(PciDevice device) => Inner.Remove(device);

        public override int SriovConfigure(PciDevice device, int numVfs) => Inner.SriovConfigure(device, numVfs);
    }
}
