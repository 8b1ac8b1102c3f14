using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>Spec §3.7 (INTx mask/unmask) and §3.6 (INTx masked across runtime suspend), driven through SET_IRQS.</summary>
public sealed class IntxTests
{
    private static int SetIrqs(VfioRig rig, byte[] buffer) => rig.File.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, buffer);

    private static byte[] IntxAction(uint action) =>
        VfioIrqSet.Build(VfioIrqSet.DataNone | action, VfioIrqSet.IndexIntx, 0, 1, ReadOnlySpan<byte>.Empty);

    private static bool DisIntx(VfioRig rig) => (rig.Pdev.Config.Read16(PciRegs.Command) & PciRegs.CommandIntxDisable) != 0;

    /// <summary>An open device with INTx configured (trigger eventfd) and unmasked.</summary>
    private static (VfioRig Rig, EventFd Trigger) IntxRig()
    {
        var rig = new VfioRig(intxLine: true);
        var trigger = new EventFd();
        var fd = rig.File.Fds.Install(trigger);
        Assert.Equal(0, SetIrqs(rig, VfioIrqSet.IntxTrigger(fd)));
        Assert.Equal(VfioIrqType.Intx, rig.Vdev.IrqType);
        Assert.False(rig.Vdev.IntxMasked);
        Assert.False(DisIntx(rig));
        return (rig, trigger);
    }

    private static void EnterAndSuspend(VfioRig rig)
    {
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
    }

    [Fact]
    public void UserMaskAndUnmaskFlipTheContext()
    {
        var (rig, trigger) = IntxRig();
        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionMask)));
        Assert.True(rig.Vdev.IntxMasked);
        Assert.True(DisIntx(rig));
        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionMask))); // already masked: no change
        Assert.True(rig.Vdev.IntxMasked);

        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionUnmask)));
        Assert.False(rig.Vdev.IntxMasked);
        Assert.False(DisIntx(rig));
        Assert.Equal(0ul, trigger.Count);
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void SuspendMasksUnmaskedIntxAndResumeUnmasksIt()
    {
        var (rig, trigger) = IntxRig();
        EnterAndSuspend(rig);
        Assert.True(rig.Vdev.PmIntxMasked); // the suspend's mask changed the state
        Assert.True(rig.Vdev.IntxMasked);

        Assert.Equal(0, rig.Exit()); // the ioctl wrapper resumes it; the resume callback unmasks
        Assert.False(rig.Vdev.IntxMasked);
        Assert.False(DisIntx(rig));
        Assert.True(rig.Vdev.PmIntxMasked); // not cleared by resume (§3.6)
        Assert.Equal(0ul, trigger.Count);
        rig.Settle();
        Assert.Equal(RpmStatus.Active, rig.Status);
        rig.AssertNoFatal();
    }

    [Fact]
    public void SuspendOfAlreadyMaskedIntxDoesNotRecordAMaskAndResumeLeavesItMasked()
    {
        var (rig, _) = IntxRig();
        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionMask)));
        EnterAndSuspend(rig);
        Assert.False(rig.Vdev.PmIntxMasked); // mask returned false: nothing changed
        Assert.True(rig.Vdev.IntxMasked);

        Assert.Equal(0, rig.Exit());
        Assert.True(rig.Vdev.IntxMasked); // the user's mask survives the resume
        Assert.True(DisIntx(rig));
        rig.AssertNoFatal();
    }

    [Fact]
    public void MsiModeSuspendLeavesPmIntxMaskedFalseAndTheNextSuspendRecomputesIt()
    {
        var (rig, _) = IntxRig();
        EnterAndSuspend(rig);
        Assert.True(rig.Vdev.PmIntxMasked);
        Assert.Equal(0, rig.Exit());

        // Switch to MSI: SET_IRQS index 1, TRIGGER, count 1, DATA_NONE.
        var msi = VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionTrigger, VfioIrqSet.IndexMsi, 0, 1, ReadOnlySpan<byte>.Empty);
        Assert.Equal(0, SetIrqs(rig, msi));
        Assert.Equal(VfioIrqType.Msi, rig.Vdev.IrqType);

        EnterAndSuspend(rig);
        Assert.False(rig.Vdev.PmIntxMasked);
        Assert.False(rig.Vdev.IntxMasked);
        Assert.Equal(0, rig.Exit());
        rig.AssertNoFatal();
    }

    [Fact]
    public void MsiModeFromTheStartNeverMasksIntxAcrossSuspend()
    {
        var rig = new VfioRig();
        var msi = VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionTrigger, VfioIrqSet.IndexMsi, 0, 1, ReadOnlySpan<byte>.Empty);
        Assert.Equal(0, SetIrqs(rig, msi));
        Assert.Equal(VfioIrqType.Msi, rig.Vdev.IrqType);
        EnterAndSuspend(rig);
        Assert.False(rig.Vdev.PmIntxMasked);
        Assert.Equal(0, rig.Exit());
        Assert.False(rig.Vdev.PmIntxMasked);
        rig.AssertNoFatal();
    }

    [Fact]
    public void UnmaskWithAPendingInterruptStaysMaskedAndSignalsTheTrigger()
    {
        var (rig, trigger) = IntxRig();
        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionMask)));
        Assert.Equal(0, rig.Pdev.AssertIntx()); // masked in the device: the line does not fire
        Assert.Equal(0ul, trigger.Count);

        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionUnmask)));
        Assert.True(rig.Vdev.IntxMasked);
        Assert.True(DisIntx(rig));
        Assert.Equal(1ul, trigger.Count);

        // Serviced: the next unmask really unmasks and signals nothing more.
        rig.Pdev.DeassertIntx();
        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionUnmask)));
        Assert.False(rig.Vdev.IntxMasked);
        Assert.False(DisIntx(rig));
        Assert.Equal(1ul, trigger.Count);
        rig.AssertNoFatal();
    }

    public static TheoryData<string, byte[], int> Malformed()
    {
        var d = new TheoryData<string, byte[], int>
        {
            { "empty", Array.Empty<byte>(), -Errno.EFAULT },
            { "8 bytes", new byte[8], -Errno.EFAULT },
            { "19 bytes", IntxAction(VfioIrqSet.ActionMask)[..19], -Errno.EFAULT },
            { "mask|unmask", VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionMask | VfioIrqSet.ActionUnmask, 0, 0, 1, ReadOnlySpan<byte>.Empty), -Errno.EINVAL },
            { "mask|trigger", VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionMask | VfioIrqSet.ActionTrigger, 0, 0, 1, ReadOnlySpan<byte>.Empty), -Errno.EINVAL },
            { "no action", VfioIrqSet.Build(VfioIrqSet.DataNone, 0, 0, 1, ReadOnlySpan<byte>.Empty), -Errno.EINVAL },
            { "two data types", VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.DataBool | VfioIrqSet.ActionMask, 0, 0, 1, ReadOnlySpan<byte>.Empty), -Errno.EINVAL },
            { "index 5", VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionTrigger, 5, 0, 1, ReadOnlySpan<byte>.Empty), -Errno.EINVAL },
            { "index 9", VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionMask, 9, 0, 1, ReadOnlySpan<byte>.Empty), -Errno.EINVAL },
            { "index max", VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionMask, uint.MaxValue, 0, 1, ReadOnlySpan<byte>.Empty), -Errno.EINVAL },
        };
        return d;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedSetIrqsIsRejectedWithoutThrowing(string name, byte[] buffer, int expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        foreach (var engaged in new[] { false, true })
        {
            var (rig, trigger) = IntxRig();
            if (engaged)
            {
                EnterAndSuspend(rig);
            }

            rig.Settle();
            var usage = rig.Usage;
            var masked = rig.Vdev.IntxMasked;
            var result = int.MinValue;
            Assert.Null(Record.Exception(() => result = SetIrqs(rig, buffer)));
            Assert.Equal(Errno.Describe(expected), Errno.Describe(result));
            rig.Settle();
            Assert.Equal(usage, rig.Usage);
            Assert.Equal(engaged, rig.Vdev.PmRuntimeEngaged);
            Assert.Equal(masked, rig.Vdev.IntxMasked);
            Assert.Equal(VfioIrqType.Intx, rig.Vdev.IrqType);
            Assert.Equal(0ul, trigger.Count);
            rig.AssertNoFatal();
        }
    }
}
