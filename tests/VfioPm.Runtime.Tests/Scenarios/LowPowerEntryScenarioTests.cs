using System;
using System.Collections.Generic;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Scenarios;

/// <summary>
/// DESIGN scenario 2 (seeds 001/002, spec §1.4, §3.5, §3.6, §3.8–§3.10, §5.7): LOW_POWER_ENTRY and
/// LOW_POWER_ENTRY_WITH_WAKEUP on a simulated platform.
/// </summary>
public sealed class LowPowerEntryScenarioTests
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);
    private static readonly long ConfigRegion = VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX);

    private readonly ITestOutputHelper _out;

    public LowPowerEntryScenarioTests(ITestOutputHelper output) => _out = output;

    public enum WakeTrigger
    {
        Ioctl,
        RegionRead,
        HostLspci,
    }

    [Theory]
    [InlineData(true, PciPowerState.D3cold)]
    [InlineData(false, PciPowerState.D3hot)]
    public void EntrySuspendsToTheDeepestStateTheSlotSupports(bool platformD3Cold, PciPowerState expected)
    {
        var rig = Rig.Create(platformD3Cold);
        var file = rig.Vdev.Open();
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        Assert.Equal(PciPowerState.D0, rig.Gpu.CurrentState);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        rig.Platform.Settle(SettleTime);

        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(expected, rig.Gpu.CurrentState);
        Assert.Equal(expected, rig.Port.CurrentState);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);

        // A second entry while engaged is refused and changes nothing (spec §3.5.1 step 2).
        Assert.Equal(-Errno.EINVAL, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(expected, rig.Gpu.CurrentState);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void EntryDoesNotSuspendWhenRuntimePmIsForbiddenOnTheHost()
    {
        var rig = Rig.Create(platformD3Cold: true);
        Assert.Equal(0, rig.Platform.WritePowerControl(rig.Gpu, "on"));
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);

        var file = rig.Vdev.Open();
        Assert.Equal(2, rig.Gpu.Power.UsageCount);
        var efd = new EventFd();
        var fd = file.Fds.Install(efd);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd)));
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(1, rig.Gpu.Power.UsageCount);

        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Gpu.CurrentState);
        Assert.Equal(1, rig.Gpu.Power.UsageCount);

        // It never suspended, so an access produces no wake-up notification (spec §1.4, §3.6).
        var buf = new byte[2];
        Assert.Equal(2, file.Read(buf, ConfigRegion));
        Assert.Equal(0UL, efd.Count);
        Assert.True(rig.Vdev.PmRuntimeEngaged);

        // EXIT just re-takes the reference.
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(2, rig.Gpu.Power.UsageCount);
        Assert.Equal(0UL, efd.Count);

        file.Close();
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);

        // The admin allows it again: the unused device idles into D3cold.
        Assert.Equal(0, rig.Platform.WritePowerControl(rig.Gpu, "auto"));
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void EntryDoesNotSuspendWhileSomeoneElseHoldsAReference()
    {
        // Another holder of a usage count (here a host kernel path's get_sync; an ioctl in flight on another file is the
        // same thing and is covered by IoctlBracketScenarioTests) keeps the device up after entry.
        var rig = Rig.Create(platformD3Cold: true);
        var file = rig.Vdev.Open();
        Assert.Equal(1, rig.Gpu.Power.GetSync());
        Assert.Equal(2, rig.Gpu.Power.UsageCount);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Gpu.CurrentState);

        Assert.Equal(0, rig.Gpu.Power.Put());
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void EntryDoesNotSuspendAPfWhoseVfsAreEnabled()
    {
        var rig = Rig.Create(platformD3Cold: true, new PciFunctionSpec { PlatformD3Cold = true, TotalVfs = 4 });
        var file = rig.Vdev.Open();
        Assert.Equal(2, rig.Vdev.SriovConfigure(2));
        Assert.Equal(2, rig.Gpu.Power.UsageCount);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Gpu.CurrentState);
        Assert.Equal(2, rig.Gpu.NumVfs);

        Assert.Equal(0, rig.Vdev.SriovConfigure(0));
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void ConfigAndBarReadsResumeTheDeviceAndItSuspendsAgainEachTime()
    {
        var rig = Rig.Create(platformD3Cold: true);
        var file = rig.Vdev.Open();
        EnableMemory(file);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        rig.Platform.Settle(SettleTime);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);

        var resumedWithUsage = new List<int>();
        rig.Platform.Environment.Transition += t =>
        {
            if (ReferenceEquals(t.Device, rig.Gpu) && t.To == RpmStatus.Active)
            {
                lock (resumedWithUsage)
                {
                    resumedWithUsage.Add(t.UsageCount);
                }
            }
        };

        // Feature 3 is repeatable: every access resumes the device and it goes back afterwards.
        for (var round = 0; round < 3; round++)
        {
            var buf = new byte[2];
            Assert.Equal(2, file.Read(buf, ConfigRegion));
            Assert.Equal(0x10de, buf[0] | (buf[1] << 8));
            Assert.Equal(0, rig.Gpu.Power.UsageCount);
            Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);
            Assert.True(rig.Vdev.PmRuntimeEngaged);
            rig.Platform.Settle(SettleTime);
            Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
            Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        }

        // BAR read()/write() are not disabled in low power, only wrapped in get/put (spec §3.8, §3.10).
        var bar = new byte[4];
        Assert.Equal(4, file.Write(new byte[] { 1, 2, 3, 4 }, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX)));
        Assert.Equal(4, file.Read(bar, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX)));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, bar);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);

        lock (resumedWithUsage)
        {
            // Three config reads and the BAR write each resumed it on their own reference; the BAR read that followed
            // found it still active (its idle request had not run yet).
            Assert.Equal(new[] { 1, 1, 1, 1 }, resumedWithUsage);
        }

        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void MmapAccessFaultsWithSigbusWhileEngagedAndWorksAgainAfterExit()
    {
        var rig = Rig.Create(platformD3Cold: true);
        var file = rig.Vdev.Open();
        EnableMemory(file);
        Assert.Equal(0, file.Mmap(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX, out var map));
        Assert.NotNull(map);
        var buf = new byte[4];
        Assert.Equal(MmapAccess.Ok, map!.Read(0, buf));
        Assert.True(map.IsMapped);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        Assert.False(map.IsMapped);

        // Still active (the suspend is asynchronous), but the mapping is gone and faults refuse it.
        Assert.Equal(MmapAccess.SigBus, map.Read(0, buf));
        Assert.Equal(MmapAccess.SigBus, map.Write(0, buf));

        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);

        // mmap access never resumes the device.
        Assert.Equal(MmapAccess.SigBus, map.Read(0, buf));
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        Assert.Equal(3, map.SigBusCount);

        // A config read resumes it, but mmap stays blocked until EXIT.
        Assert.Equal(2, file.Read(new byte[2], ConfigRegion));
        Assert.Equal(MmapAccess.SigBus, map.Read(0, buf));
        Assert.Equal(4, map.SigBusCount);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        Assert.Equal(MmapAccess.Ok, map.Read(0, buf));
        Assert.Equal(MmapAccess.Ok, map.Write(0, new byte[] { 9, 9, 9, 9 }));
        Assert.True(map.IsMapped);
        Assert.Equal(4, map.SigBusCount);

        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Gpu.CurrentState);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CloseWhileEngagedExitsLowPowerWithoutAWakeSignal(bool withWakeup)
    {
        var rig = Rig.Create(platformD3Cold: true);
        var file = rig.Vdev.Open();
        var efd = new EventFd();
        var fd = file.Fds.Install(efd);
        var entry = withWakeup
            ? VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd)
            : Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, entry));
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        Assert.Equal(withWakeup, rig.Vdev.HasWakeEventFd);

        file.Close();
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        Assert.False(rig.Vdev.HasWakeEventFd);
        Assert.Equal(0, rig.Vdev.OpenCount);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        Assert.Equal(0UL, efd.Count);

        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        Assert.Equal(0UL, efd.Count);

        // The device is usable again: a new open resumes it and holds the open reference.
        var again = rig.Vdev.Open();
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        Assert.Equal(PciPowerState.D0, rig.Gpu.CurrentState);
        again.Close();
        rig.Platform.Settle(SettleTime);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Theory]
    [InlineData(WakeTrigger.Ioctl)]
    [InlineData(WakeTrigger.RegionRead)]
    [InlineData(WakeTrigger.HostLspci)]
    public void EntryWithWakeupSignalsOnceOnTheFirstResumeAndEndsLowPower(WakeTrigger trigger)
    {
        var rig = Rig.Create(platformD3Cold: true);
        var file = rig.Vdev.Open();
        var efd = new EventFd();
        var fd = file.Fds.Install(efd);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd)));
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.True(rig.Vdev.HasWakeEventFd);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Gpu.CurrentState);
        Assert.Equal(0UL, efd.Count);

        Wake(rig, file, trigger);

        // Signalled exactly once, low power ended, the open reference re-taken.
        Assert.Equal(1UL, efd.Count);
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        Assert.False(rig.Vdev.HasWakeEventFd);
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);

        // One-shot: it stays up, and further accesses neither suspend it nor signal again.
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Gpu.CurrentState);
        Wake(rig, file, WakeTrigger.Ioctl);
        Wake(rig, file, WakeTrigger.RegionRead);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Gpu.Power.Status);
        Assert.Equal(1UL, efd.Count);
        Assert.Equal(1, rig.Gpu.Power.UsageCount);

        // A later EXIT is optional: returns 0 and is a no-op.
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        Assert.Equal(1UL, efd.Count);

        file.Close();
        rig.Platform.Settle(SettleTime);
        _out.WriteLine(rig.Platform.FormatTimeline());
        Assert.Equal(0, rig.Gpu.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(1UL, efd.Count);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void HostLspciOnAD3hotDeviceDoesNotWakeItNorSignal()
    {
        var rig = Rig.Create(platformD3Cold: false);
        var file = rig.Vdev.Open();
        var efd = new EventFd();
        var fd = file.Fds.Install(efd);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd)));
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3hot, rig.Gpu.CurrentState);
        Assert.Equal(PciPowerState.D3hot, rig.Port.CurrentState);

        // lspci resumes the parent, not the function (config space answers in D3hot, spec §5.7).
        var buf = new byte[2];
        Assert.Equal(2, rig.Platform.HostConfigRead(rig.Gpu, 0, buf));
        Assert.Equal(0x10de, buf[0] | (buf[1] << 8));
        Assert.Equal(0UL, efd.Count);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(RpmStatus.Suspended, rig.Gpu.Power.Status);
        Assert.Equal(PciPowerState.D3hot, rig.Gpu.CurrentState);
        Assert.Equal(0, rig.Gpu.Power.UsageCount);

        rig.Platform.Settle(SettleTime);
        Assert.Equal(PciPowerState.D3hot, rig.Port.CurrentState);
        Assert.Equal(0UL, efd.Count);

        // The user's own access does wake it, and that signals.
        Assert.Equal(2, file.Read(buf, ConfigRegion));
        Assert.Equal(1UL, efd.Count);
        Assert.Equal(1, rig.Gpu.Power.UsageCount);
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    private static void Wake(Rig rig, VfioDeviceFile file, WakeTrigger trigger)
    {
        var buf = new byte[2];
        switch (trigger)
        {
            case WakeTrigger.Ioctl:
                var info = new byte[16];
                info[0] = 16;
                Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
                break;
            case WakeTrigger.RegionRead:
                Assert.Equal(2, file.Read(buf, ConfigRegion));
                Assert.Equal(0x10de, buf[0] | (buf[1] << 8));
                break;
            default:
                Assert.Equal(2, rig.Platform.HostConfigRead(rig.Gpu, 0, buf));
                Assert.Equal(0x10de, buf[0] | (buf[1] << 8));
                break;
        }
    }

    // The user enables memory decoding in the virtual COMMAND register (config offset 4).
    private static void EnableMemory(VfioDeviceFile file) =>
        Assert.Equal(2, file.Write(new byte[] { (byte)PciRegs.CommandMemory, 0 }, ConfigRegion + PciRegs.Command));

    private static byte[] Feature(ushort index) => VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | index);

    private sealed record Rig(SimulatedPlatform Platform, PciDevice Port, PciDevice Gpu, VfioPciCoreDevice Vdev)
    {
        public static Rig Create(bool platformD3Cold, PciFunctionSpec? spec = null)
        {
            var platform = new SimulatedPlatform();
            var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: platformD3Cold);
            var gpu = platform.AddEndpoint(port, "0000:01:00.0", spec ?? new PciFunctionSpec { PlatformD3Cold = platformD3Cold });
            var driver = new VfioPciDriver();
            Assert.Equal(0, gpu.Bind(driver));
            platform.Settle(SettleTime);
            Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
            Assert.Equal(0, gpu.Power.UsageCount);
            return new Rig(platform, port, gpu, driver.GetDevice(gpu)!);
        }
    }
}
