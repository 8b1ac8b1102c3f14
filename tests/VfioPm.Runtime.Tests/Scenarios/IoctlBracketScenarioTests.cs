using System;
using System.Buffers.Binary;
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
/// DESIGN scenario 1 (seed 000, spec §2.1–§2.2): every device ioctl is bracketed by a runtime-PM resume-and-get / put;
/// a low-power entry from a second file cannot suspend the device under an ioctl in flight; a failed resume reaches the
/// user as -EIO with nothing leaked.
/// </summary>
public sealed class IoctlBracketScenarioTests
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);

    private readonly ITestOutputHelper _out;

    public IoctlBracketScenarioTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void IoctlOnSuspendedDeviceResumesItFirstAndLetsItGoBackAfter()
    {
        var (platform, port, gpu, vdev) = BindSuspended();
        var file = vdev.Open();
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        platform.Settle(SettleTime);

        // Before: suspended in D3cold with nothing held (the user gave up the open reference).
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(PciPowerState.D3cold, port.CurrentState);
        Assert.Equal(0, gpu.Power.UsageCount);

        // During: every status change of the function, with the usage count at that moment.
        var seen = new List<RpmTransition>();
        platform.Environment.Transition += t =>
        {
            if (ReferenceEquals(t.Device, gpu))
            {
                lock (seen)
                {
                    seen.Add(t);
                }
            }
        };

        platform.Note("ioctl GET_INFO begins");
        var info = GetInfoBuffer();
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
        platform.Note("ioctl GET_INFO returned");
        Assert.Equal(VfioPciCoreDevice.DeviceFlagsPci, BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)) & VfioPciCoreDevice.DeviceFlagsPci);
        Assert.Equal((uint)VfioUapi.VFIO_PCI_NUM_REGIONS, BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(8)));

        // The resume ran before the handler, on the ioctl's own reference (usage 1 while resuming and once active).
        RpmTransition[] during;
        lock (seen)
        {
            during = seen.ToArray();
        }

        Assert.Equal(2, during.Length);
        Assert.Equal((RpmStatus.Suspended, RpmStatus.Resuming, 1), (during[0].From, during[0].To, during[0].UsageCount));
        Assert.Equal((RpmStatus.Resuming, RpmStatus.Active, 1), (during[1].From, during[1].To, during[1].UsageCount));

        // In the timeline the function is back in D0 between the two notes, i.e. before the handler ran.
        var timeline = platform.Timeline.ToList();
        var begin = timeline.FindIndex(e => e.Kind == TimelineKind.Note && e.Detail == "ioctl GET_INFO begins");
        var end = timeline.FindIndex(e => e.Kind == TimelineKind.Note && e.Detail == "ioctl GET_INFO returned");
        Assert.True(begin >= 0 && end > begin);
        Assert.Contains(timeline.Skip(begin).Take(end - begin), e => e.Kind == TimelineKind.PciState && e.Device == gpu.Name && e.Detail.EndsWith("→ D0", StringComparison.Ordinal));

        // After: the ioctl's put dropped the count to 0; the suspend is asynchronous, so the device is still active.
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, gpu.Power.Status);
        Assert.True(vdev.PmRuntimeEngaged);

        // ...and it goes back to low power once the idle request runs.
        platform.Settle(SettleTime);
        _out.WriteLine(platform.FormatTimeline());
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void ResetIoctlOnSuspendedDeviceTouchesHardwareOnlyAfterTheResume()
    {
        // VFIO_DEVICE_RESET does a function reset in its handler: without the bracket it would hit a D3cold function
        // (recorded as a fatal access).
        var (platform, _, gpu, vdev) = BindSuspended();
        var file = vdev.Open();
        Assert.True(vdev.ResetWorks);
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        platform.Settle(SettleTime);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_RESET, Span<byte>.Empty));
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.Equal(PciPowerState.D0, gpu.CurrentState);
        Assert.Empty(platform.FatalAccesses);

        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Empty(platform.FatalAccesses);
    }

    /// <summary>
    /// The seed-000 race, made deterministic. Interleaving (documented because it is the point of the test):
    /// <list type="number">
    /// <item>File A enables INTx with a trigger eventfd; the function asserts INTx, the handler masks it (the function
    /// keeps asserting, so STATUS.Interrupt stays set).</item>
    /// <item>Thread 1 sends VFIO_DEVICE_SET_IRQS(INTx, UNMASK) on file A. The wrapper takes its reference; the handler
    /// finds the interrupt still pending, leaves INTx masked and signals the trigger eventfd — outside igate, irqlock and
    /// memory_lock. The test's <see cref="EventFd.Signaled"/> handler blocks there on a gate: ioctl A is now in flight,
    /// holding only its PM reference and no lock.</item>
    /// <item>The test thread sends LOW_POWER_ENTRY on file B (it takes memory_lock for write, which nobody holds) and
    /// lets time pass: the device must stay active, because A's reference is still counted.</item>
    /// <item>The gate opens, ioctl A returns and puts its reference; only then does the device suspend.</item>
    /// </list>
    /// </summary>
    [Fact]
    public void LowPowerEntryFromSecondFileDoesNotSuspendUnderAnIoctlInFlight()
    {
        var (platform, _, gpu, vdev) = BindSuspended(intx: true);
        var fileA = vdev.Open();
        var fileB = vdev.Open();
        Assert.Equal(1, gpu.Power.UsageCount);
        Assert.Equal(2, vdev.OpenCount);

        var trigger = new EventFd();
        var fd = fileA.Fds.Install(trigger);
        Assert.Equal(0, fileA.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, VfioIrqSet.IntxTrigger(fd)));
        Assert.Equal(1, gpu.AssertIntx());
        Assert.True(vdev.IntxMasked);
        Assert.Equal(1UL, trigger.Count);

        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var armed = 0;
        var usageInside = -1;
        var statusInside = RpmStatus.Suspended;
        var stateInside = PciPowerState.Unknown;
        trigger.Signaled += (_, _) =>
        {
            if (Interlocked.Exchange(ref armed, 0) == 1)
            {
                usageInside = gpu.Power.UsageCount;
                statusInside = gpu.Power.Status;
                stateInside = gpu.CurrentState;
                entered.Set();
                release.Wait(Bounded);
            }
        };

        Volatile.Write(ref armed, 1);
        var resultA = int.MinValue;
        var threadA = new Thread(() => resultA = fileA.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, IntxAction(VfioIrqSet.ActionUnmask)))
        {
            IsBackground = true,
            Name = "ioctl A",
        };
        threadA.Start();
        try
        {
            Assert.True(entered.Wait(Bounded), "ioctl A never reached its handler");
            Assert.Equal(2, usageInside);
            Assert.Equal(RpmStatus.Active, statusInside);
            Assert.Equal(PciPowerState.D0, stateInside);

            // File B: LOW_POWER_ENTRY while A is in flight. It succeeds and gives up the open reference...
            Assert.Equal(0, fileB.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
            Assert.True(vdev.PmRuntimeEngaged);
            Assert.Equal(1, gpu.Power.UsageCount);

            // ...but A's reference keeps the device up however long A takes.
            platform.Settle(SettleTime);
            Assert.Equal(1, gpu.Power.UsageCount);
            Assert.Equal(RpmStatus.Active, gpu.Power.Status);
            Assert.Equal(PciPowerState.D0, gpu.CurrentState);
            Assert.True(threadA.IsAlive);
        }
        finally
        {
            release.Set();
            Assert.True(threadA.Join(Bounded), "ioctl A did not return");
        }

        Assert.Equal(0, resultA);
        Assert.Equal(2UL, trigger.Count);
        Assert.Equal(0, gpu.Power.UsageCount);

        // Now it may suspend.
        platform.Settle(SettleTime);
        _out.WriteLine(platform.FormatTimeline());
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void FailedResumeReachesTheUserAsEioWithoutLeakingAReference()
    {
        // The runtime resume fails with a raw -ENODEV (platform fault injection in the bus callback, before any power-up);
        // the ioctl wrapper must mask it as -EIO and hold nothing afterwards (spec §2.2).
        var (platform, _, gpu, vdev) = BindSuspended();
        var file = vdev.Open();
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(0, gpu.Power.UsageCount);

        platform.FailRuntimeCallback(gpu, RuntimePmCallbackKinds.Resume, -Errno.ENODEV);
        Assert.Equal(-Errno.EIO, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, GetInfoBuffer()));
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(PciPowerState.D3cold, gpu.CurrentState);
        Assert.Equal(-Errno.ENODEV, gpu.Power.RuntimeError);

        // Latched (spec §4.7): later resumes fail too (-EINVAL inside); the user keeps seeing -EIO, nothing leaks — also
        // through read(), which vfio-pci wraps itself (spec §3.8).
        Assert.Equal(-Errno.EIO, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, GetInfoBuffer()));
        Assert.Equal(-Errno.EIO, file.Read(new byte[2], VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX)));
        Assert.Equal(0, gpu.Power.UsageCount);
        _out.WriteLine(platform.FormatTimeline());
        Assert.Empty(platform.FatalAccesses);
    }

    private static (SimulatedPlatform Platform, PciDevice Port, PciDevice Gpu, VfioPciCoreDevice Vdev) BindSuspended(bool intx = false)
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var gpu = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true });
        if (intx)
        {
            gpu.Intx = new IntxLine("IRQ 16");
        }

        var driver = new VfioPciDriver();
        Assert.Equal(0, gpu.Bind(driver));
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(0, gpu.Power.UsageCount);
        return (platform, port, gpu, driver.GetDevice(gpu)!);
    }

    private static byte[] Feature(ushort index) => VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | index);

    private static byte[] IntxAction(uint action) =>
        VfioIrqSet.Build(VfioIrqSet.DataNone | action, VfioIrqSet.IndexIntx, 0, 1, ReadOnlySpan<byte>.Empty);

    private static byte[] GetInfoBuffer()
    {
        var info = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
        return info;
    }
}
