using System;
using System.Buffers.Binary;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>
/// Spec §2.1–§2.3 and §3.5: the device-fd ioctl wrapper, <c>VFIO_DEVICE_FEATURE</c> parsing and malformed buffers, and
/// every error of the low-power handlers. Each error case checks the exact errno, that nothing throws, and that the
/// usage count, <c>pm_runtime_engaged</c> and the armed eventfd are what they were before the call (after settling).
/// </summary>
public sealed class FeatureIoctlTests
{
    private const uint Get = VfioUapi.VFIO_DEVICE_FEATURE_GET;
    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
    private const uint Probe = VfioUapi.VFIO_DEVICE_FEATURE_PROBE;
    private const uint Entry3 = VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
    private const uint Entry4 = VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP;

    /// <summary>An open device, optionally already in user low power (feature 3) and runtime-suspended.</summary>
    private static VfioRig Rig(bool engaged)
    {
        var rig = new VfioRig();
        if (engaged)
        {
            Assert.Equal(0, rig.Entry());
            rig.Settle();
            Assert.Equal(RpmStatus.Suspended, rig.Status);
            Assert.Equal(0, rig.Usage);
        }
        else
        {
            Assert.Equal(1, rig.Usage);
        }

        return rig;
    }

    /// <summary>Runs <paramref name="call"/>, expecting <paramref name="expected"/>, no exception, and no change in PM state.</summary>
    private static void AssertRejected(VfioRig rig, Func<int> call, int expected)
    {
        rig.Settle();
        var usage = rig.Usage;
        var engaged = rig.Vdev.PmRuntimeEngaged;
        var wake = rig.Vdev.HasWakeEventFd;
        var status = rig.Status;

        var result = int.MinValue;
        var ex = Record.Exception(() => result = call());
        Assert.Null(ex);
        Assert.Equal(Errno.Describe(expected), Errno.Describe(result));

        rig.Settle();
        Assert.Equal(usage, rig.Usage);
        Assert.Equal(engaged, rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(wake, rig.Vdev.HasWakeEventFd);
        Assert.Equal(status, rig.Status);
        Assert.Equal(0, rig.Pdev.Power.UnderflowWarnings);
        rig.AssertNoFatal();
    }

    private static int Ioctl(VfioRig rig, byte[] buffer) => rig.File.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, buffer);

    // A header claiming argsz/flags, of which only the first physicalLength bytes exist.
    private static byte[] Header(uint argsz, uint flags, int physicalLength)
    {
        var full = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(full, argsz);
        BinaryPrimitives.WriteUInt32LittleEndian(full.AsSpan(4), flags);
        return full.AsSpan(0, physicalLength).ToArray();
    }

    private static byte[] WakeupPayload(int fd, uint reserved = 0)
    {
        var p = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(p, fd);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), reserved);
        return p;
    }

    // ---- §2.3 header parsing ----

    [Theory]
    [InlineData(0, false)]
    [InlineData(4, false)]
    [InlineData(7, false)]
    [InlineData(0, true)]
    [InlineData(7, true)]
    public void BufferShorterThanTheHeaderIsEfault(int length, bool engaged)
    {
        var rig = Rig(engaged);
        var buffer = Header(8, Set | Entry3, length);
        AssertRejected(rig, () => Ioctl(rig, buffer), -Errno.EFAULT);
    }

    [Theory]
    [InlineData(0u, false)]
    [InlineData(4u, false)]
    [InlineData(7u, false)]
    [InlineData(7u, true)]
    public void ArgszBelowTheHeaderIsEinval(uint argsz, bool engaged)
    {
        var rig = Rig(engaged);
        var buffer = Header(argsz, Set | (engaged ? VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT : Entry3), 8);
        AssertRejected(rig, () => Ioctl(rig, buffer), -Errno.EINVAL);
    }

    [Fact]
    public void ArgszIsCheckedBeforeTheFeatureIndex()
    {
        var rig = Rig(false);
        AssertRejected(rig, () => Ioctl(rig, Header(4, Set | 42, 8)), -Errno.EINVAL);
    }

    public static TheoryData<int> UnknownFlagBits()
    {
        var d = new TheoryData<int>();
        for (var bit = 19; bit <= 31; bit++)
        {
            d.Add(bit);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(UnknownFlagBits))]
    public void UnknownFlagBitIsEinval(int bit)
    {
        var rig = Rig(false);
        AssertRejected(rig, () => rig.Feature(Set | Entry3 | (1u << bit)), -Errno.EINVAL);
        // Checked by the core before dispatch: an unknown feature index is still -EINVAL, not -ENOTTY.
        AssertRejected(rig, () => rig.Feature(Probe | 42 | (1u << bit)), -Errno.EINVAL);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetAndSetWithoutProbeIsEinval(bool engaged)
    {
        var rig = Rig(engaged);
        AssertRejected(rig, () => rig.Feature(Get | Set | Entry3), -Errno.EINVAL);
        AssertRejected(rig, () => rig.Feature(Get | Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), -Errno.EINVAL);
        AssertRejected(rig, () => rig.Feature(Get | Set | VfioUapi.VFIO_DEVICE_FEATURE_MIGRATION), -Errno.EINVAL);
    }

    [Theory]
    [InlineData(42u)]
    [InlineData(10u)]
    [InlineData(0xFFFFu)]
    public void UnknownFeatureIsEnotty(uint feature)
    {
        var rig = Rig(false);
        AssertRejected(rig, () => rig.Feature(Set | feature), -Errno.ENOTTY);
        AssertRejected(rig, () => rig.Feature(Probe | feature), -Errno.ENOTTY);
        AssertRejected(rig, () => rig.Feature(Get | feature, new byte[16]), -Errno.ENOTTY);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(6u)]
    [InlineData(7u)]
    [InlineData(8u)]
    [InlineData(9u)]
    public void CoreOwnedFeatureWithoutOpsIsEnotty(uint feature)
    {
        var rig = Rig(false);
        AssertRejected(rig, () => rig.Feature(Get | feature, new byte[16]), -Errno.ENOTTY);
        AssertRejected(rig, () => rig.Feature(Set | feature, new byte[16]), -Errno.ENOTTY);
        AssertRejected(rig, () => rig.Feature(Probe | feature), -Errno.ENOTTY);
    }

    [Fact]
    public void VfTokenOnANonPfIsEnottyBeforeTheCheck()
    {
        var rig = Rig(false);
        Assert.False(rig.Pdev.IsPhysFn);
        AssertRejected(rig, () => rig.Feature(Set | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, new byte[16]), -Errno.ENOTTY);
        AssertRejected(rig, () => rig.Feature(Probe | Set | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN), -Errno.ENOTTY);
        // GET would fail the check with -EINVAL; the PF test comes first (§2.3 step 6).
        AssertRejected(rig, () => rig.Feature(Get | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, new byte[16]), -Errno.ENOTTY);
    }

    [Fact]
    public void VfTokenOnAPfIsHandled()
    {
        // Control for the test above: the -ENOTTY is about the function not being a PF.
        var rig = new VfioRig(new PciFunctionSpec { TotalVfs = 2 });
        Assert.True(rig.Pdev.IsPhysFn);
        Assert.Equal(0, rig.Feature(Probe | Set | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN));
        Assert.Equal(-Errno.EINVAL, rig.Feature(Get | VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, new byte[16]));
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    // ---- §3.5.3 LOW_POWER_ENTRY_WITH_WAKEUP payload ----

    [Theory]
    [InlineData(8, false)]
    [InlineData(10, false)]
    [InlineData(15, false)]
    [InlineData(10, true)]
    public void WakeupStructCopyBeyondTheRealBufferIsEfault(int physicalLength, bool engaged)
    {
        var rig = Rig(engaged);
        var fd = rig.File.Fds.Install(new EventFd());
        var full = VfioFeatureRequest.Build(Set | Entry4, WakeupPayload(fd));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(full));
        var truncated = full.AsSpan(0, physicalLength).ToArray(); // argsz still claims 16
        AssertRejected(rig, () => Ioctl(rig, truncated), -Errno.EFAULT);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(15)]
    public void WakeupPayloadShorterThanTheStructIsEinval(int argsz)
    {
        var rig = Rig(false);
        var fd = rig.File.Fds.Install(new EventFd());
        var buffer = VfioFeatureRequest.Build(Set | Entry4, WakeupPayload(fd).AsSpan(0, argsz - 8));
        Assert.Equal((uint)argsz, BinaryPrimitives.ReadUInt32LittleEndian(buffer));
        AssertRejected(rig, () => Ioctl(rig, buffer), -Errno.EINVAL);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(int.MinValue, false)]
    [InlineData(-1, true)]
    public void NegativeWakeupEventfdIsEinval(int fd, bool engaged)
    {
        var rig = Rig(engaged);
        AssertRejected(rig, () => rig.EntryWithWakeup(fd), -Errno.EINVAL);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(99)]
    [InlineData(int.MaxValue)]
    public void WakeupFdThatIsNotOpenIsEbadf(int fd)
    {
        var rig = Rig(false);
        Assert.Equal(0, rig.File.Fds.Count);
        AssertRejected(rig, () => rig.EntryWithWakeup(fd), -Errno.EBADF);
    }

    [Fact]
    public void WakeupFdClosedBeforeTheCallIsEbadf()
    {
        var rig = Rig(true);
        var efd = new EventFd();
        var fd = rig.File.Fds.Install(efd);
        Assert.Equal(0, rig.File.Fds.Close(fd));
        AssertRejected(rig, () => rig.EntryWithWakeup(fd), -Errno.EBADF);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WakeupFdThatIsNotAnEventfdIsEinval(bool engaged)
    {
        var rig = Rig(engaged);
        var fd = rig.File.Fds.Install(new object());
        AssertRejected(rig, () => rig.EntryWithWakeup(fd), -Errno.EINVAL);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(0xFFFFFFFFu)]
    public void NonZeroReservedIsNotRejected(uint reserved)
    {
        var rig = Rig(false);
        var efd = new EventFd();
        var fd = rig.File.Fds.Install(efd);
        Assert.Equal(0, rig.EntryWithWakeup(fd, reserved));
        rig.Settle();
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.True(rig.Vdev.HasWakeEventFd);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0ul, efd.Count);
        rig.AssertNoFatal();
    }

    // ---- §3.5.1 already engaged ----

    [Fact]
    public void EntryTwiceIsEinvalAndChangesNothing()
    {
        var rig = Rig(true);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        AssertRejected(rig, () => rig.Entry(), -Errno.EINVAL);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);

        // Still exactly one open reference to give back.
        Assert.Equal(0, rig.Exit());
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        rig.AssertNoFatal();
    }

    [Fact]
    public void EntryWithWakeupOnTopOfPlainEntryIsEinvalAndArmsNothing()
    {
        var rig = Rig(true);
        var efd = new EventFd();
        var fd = rig.File.Fds.Install(efd);
        AssertRejected(rig, () => rig.EntryWithWakeup(fd), -Errno.EINVAL);
        Assert.False(rig.Vdev.HasWakeEventFd);

        // A later wake-up does not signal it.
        Assert.Equal(0, rig.GetInfo());
        rig.Settle();
        Assert.Equal(0ul, efd.Count);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        rig.AssertNoFatal();
    }

    [Fact]
    public void EntryWithWakeupWhileEngagedIsEinvalAndTheFirstEventfdStaysArmed()
    {
        var rig = Rig(false);
        // The admin pins the device on (forbid = +1), so the first entry engages without suspending; otherwise the
        // second ioctl's own resume would fire the first eventfd and end low power before the handler ran (§3.6).
        Assert.Equal(0, rig.Platform.WritePowerControl(rig.Pdev, "on"));
        var first = new EventFd();
        var second = new EventFd();
        var fd1 = rig.File.Fds.Install(first);
        var fd2 = rig.File.Fds.Install(second);

        Assert.Equal(0, rig.EntryWithWakeup(fd1));
        rig.Settle();
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(1, rig.Usage); // the forbid reference only

        AssertRejected(rig, () => rig.EntryWithWakeup(fd2), -Errno.EINVAL);
        AssertRejected(rig, () => rig.Entry(), -Errno.EINVAL);
        Assert.True(rig.Vdev.HasWakeEventFd);

        // Let it suspend, then wake it: only the first eventfd fires.
        Assert.Equal(0, rig.Platform.WritePowerControl(rig.Pdev, "auto"));
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.GetInfo());
        Assert.Equal(1ul, first.Count);
        Assert.Equal(0ul, second.Count);
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExitWhenNotEngagedIsZeroAndANoOp(bool hasBeenEngagedBefore)
    {
        var rig = Rig(false);
        if (hasBeenEngagedBefore)
        {
            Assert.Equal(0, rig.Entry());
            rig.Settle();
            Assert.Equal(0, rig.Exit());
            rig.Settle();
        }

        Assert.False(rig.Vdev.PmRuntimeEngaged);
        AssertRejected(rig, () => rig.Exit(), 0);
        AssertRejected(rig, () => rig.Exit(), 0);
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    // ---- §2.1 wrapper ----

    [Theory]
    [InlineData(0u, false)]
    [InlineData(0xDEADBEEFu, false)]
    [InlineData(VfioUapi.VFIO_GET_API_VERSION, false)]
    [InlineData(VfioUapi.VFIO_DEVICE_QUERY_GFX_PLANE, false)]
    [InlineData(0x3BC8u, false)]
    [InlineData(0xDEADBEEFu, true)]
    public void UnknownCommandIsEnotty(uint cmd, bool engaged)
    {
        var rig = Rig(engaged);
        var arg = new byte[64];
        AssertRejected(rig, () => rig.File.Ioctl(cmd, arg), -Errno.ENOTTY);
    }

    [Fact]
    public void EveryCommandRunsInsideThePmWrapper()
    {
        // §2.1 step 3: the wrapper resumes the device even for a command the driver does not know.
        var rig = Rig(true);
        var mark = rig.TimelineCount;
        var usageDuring = -1;
        rig.Pdev.PowerStateChanged += (d, from, to) =>
        {
            if (to == PciPowerState.D0)
            {
                usageDuring = d.Power.UsageCount;
            }
        };
        Assert.Equal(-Errno.ENOTTY, rig.File.Ioctl(0xDEADBEEFu, new byte[8]));
        Assert.Equal(1, usageDuring);
        Assert.Contains(rig.TransitionsSince(mark), e => e.Detail.StartsWith("Suspended → Resuming", StringComparison.Ordinal));
        rig.Settle();
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        rig.AssertNoFatal();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IoctlAfterCloseIsEbadfWithNoPmActivity(bool engaged)
    {
        var rig = Rig(engaged);
        rig.File.Close();
        rig.Settle();
        Assert.Equal(0, rig.Usage);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        var mark = rig.TimelineCount;

        Assert.Equal(-Errno.EBADF, rig.Entry());
        Assert.Equal(-Errno.EBADF, rig.GetInfo());
        Assert.Equal(-Errno.EBADF, rig.File.Ioctl(0xDEADBEEFu, new byte[8]));
        Assert.Empty(rig.TransitionsSince(mark));
        rig.Settle();
        Assert.Equal(0, rig.Usage);
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        rig.AssertNoFatal();
    }

    [Fact]
    public void ResumeCallbackFailureIsEioWithTheCountUnchanged()
    {
        // §2.2: vfio_device_pm_runtime_get() masks any resume error as -EIO and holds no reference afterwards.
        var rig = new VfioRig(platformD3Cold: true);
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Usage);

        rig.Platform.FailRuntimeCallback(rig.Pdev, RuntimePmCallbackKinds.Resume, -Errno.EIO);
        var result = rig.GetInfo();
        Assert.Equal(Errno.Describe(-Errno.EIO), Errno.Describe(result));
        Assert.Equal(0, rig.Usage);
        rig.Settle();
        Assert.Equal(0, rig.Usage);
        Assert.True(rig.Vdev.PmRuntimeEngaged);

        // The failure is latched (§4.7): the next ioctl is -EIO too (raw -EINVAL, masked), until the error is cleared.
        Assert.Equal(-Errno.EIO, rig.GetInfo());
        Assert.Equal(-Errno.EIO, rig.Pdev.Power.RuntimeError);
        Assert.Equal(0, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void PlatformPowerOnFailureIsNotAResumeFailure()
    {
        // pci_pm_default_resume_early() returns nothing: a failed _ON leaves the function in D3cold while runtime PM
        // reports it active. The model keeps that kernel behaviour and shows the hazard as fatal accesses.
        var rig = new VfioRig(platformD3Cold: true);
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        rig.Platform.FailPowerOn(rig.Pdev);
        Assert.Equal(0, rig.GetInfo());
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResumeFailureIsMaskedAsEioForAnyCommand(bool feature)
    {
        // A resume refused by the PM core (runtime PM disabled while suspended: -EACCES, §4.6) reaches the user as -EIO.
        var rig = Rig(true);
        rig.Pdev.Power.Disable();
        AssertRejected(rig, () => feature ? rig.Exit() : rig.GetInfo(), -Errno.EIO);
        Assert.Equal(0, rig.Usage);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        rig.Pdev.Power.Enable();

        // Once the PM core lets it resume again, the same call works and counts balance.
        Assert.Equal(0, rig.Exit());
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        rig.AssertNoFatal();
    }
}
