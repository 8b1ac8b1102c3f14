using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>
/// The guest's INTx-disable bit in the virtual COMMAND register (vfio_basic_config_write "Emulate INTx disable"),
/// its effect on a newly configured INTx context (vfio_intx_enable), on delivery (vfio_send_intx_eventfd), at open
/// (vfio_pci_core_enable) and close (vfio_pci_core_disable), and its interplay with runtime suspend's pm_intx_masked.
/// </summary>
public sealed class VirtualIntxDisableTests
{
    private static int SetIrqs(VfioRig rig, byte[] buffer) => rig.File.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, buffer);

    private static byte[] IntxAction(uint action) =>
        VfioIrqSet.Build(VfioIrqSet.DataNone | action, VfioIrqSet.IndexIntx, 0, 1, ReadOnlySpan<byte>.Empty);

    private static bool HardwareIntxDisable(VfioRig rig) => (rig.Pdev.Config.Read16(PciRegs.Command) & PciRegs.CommandIntxDisable) != 0;

    private static void GuestCommand(VfioRig rig, ushort value) =>
        Assert.Equal(2, rig.ConfigWrite(PciRegs.Command, (byte)value, (byte)(value >> 8)));

    private static EventFd ConfigureIntx(VfioRig rig)
    {
        var trigger = new EventFd();
        var fd = rig.File.Fds.Install(trigger);
        Assert.Equal(0, SetIrqs(rig, VfioIrqSet.IntxTrigger(fd)));
        Assert.Equal(VfioIrqType.Intx, rig.Vdev.IrqType);
        return trigger;
    }

    [Fact]
    public void GuestIntxDisableMasksAndItsClearUnmasks_vfio_basic_config_write()
    {
        var rig = new VfioRig(intxLine: true);
        var trigger = ConfigureIntx(rig);
        Assert.False(rig.Vdev.IntxMasked);

        GuestCommand(rig, PciRegs.CommandIntxDisable);
        Assert.True(rig.Vdev.IntxMasked);
        Assert.True(HardwareIntxDisable(rig));
        Assert.Equal(0, rig.Pdev.AssertIntx()); // masked in the device: the line stays quiet
        Assert.Equal(0UL, trigger.Count);

        // Clearing it unmasks; the interrupt raised meanwhile is re-delivered (vfio_pci_intx_unmask).
        GuestCommand(rig, 0);
        Assert.Equal(1UL, trigger.Count);
        rig.Pdev.DeassertIntx();
        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionUnmask)));
        Assert.False(rig.Vdev.IntxMasked);
        Assert.False(HardwareIntxDisable(rig));
        rig.AssertNoFatal();
    }

    [Fact]
    public void IntxConfiguredWhileGuestDisabledItStartsMasked_vfio_intx_enable()
    {
        var rig = new VfioRig(intxLine: true);
        GuestCommand(rig, PciRegs.CommandIntxDisable);
        var trigger = ConfigureIntx(rig);

        Assert.True(rig.Vdev.IntxMasked);
        Assert.True(HardwareIntxDisable(rig));
        Assert.Equal(0, rig.Pdev.AssertIntx());
        Assert.Equal(0UL, trigger.Count);

        GuestCommand(rig, 0);
        Assert.Equal(1UL, trigger.Count); // the pending interrupt, re-sent on unmask
        rig.AssertNoFatal();
    }

    [Fact]
    public void NonPci23FunctionStartsWithTheLineDisabled_vfio_intx_set_signal()
    {
        var rig = new VfioRig(intxLine: true, spec: new PciFunctionSpec { IntxDisableSupported = false });
        GuestCommand(rig, PciRegs.CommandIntxDisable);
        var trigger = ConfigureIntx(rig);

        Assert.True(rig.Vdev.IntxMasked);
        rig.Pdev.AssertIntx();
        Assert.Equal(0UL, trigger.Count);
        rig.AssertNoFatal();
    }

    [Fact]
    public void OpenClearsAStaleHardwareIntxDisable_vfio_pci_core_enable()
    {
        // disable_idle_d3 keeps the function in D0 from bind to open, so nothing restores config in between.
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        var pdev = platform.AddEndpoint(port, "0000:01:00.0");
        var driver = new VfioPciDriver(new VfioPciOptions { DisableIdleD3 = true });
        Assert.Equal(0, pdev.Bind(driver));
        platform.Settle(VfioRig.SettleTime);
        pdev.Config.Write16(PciRegs.Command, PciRegs.CommandIntxDisable); // left by a previous owner

        var file = driver.GetDevice(pdev)!.Open();
        Assert.Equal(0, pdev.Config.Read16(PciRegs.Command) & PciRegs.CommandIntxDisable);
        var command = new byte[2];
        Assert.Equal(2, file.Read(command, VfioRig.Region(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX, PciRegs.Command)));
        Assert.Equal(0, command[1] & (PciRegs.CommandIntxDisable >> 8));
        file.Close();
        Assert.Empty(platform.FatalAccesses);
    }

    [Fact]
    public void CloseForgetsTheGuestsIntxDisable_vfio_pci_core_disable()
    {
        var rig = new VfioRig(intxLine: true);
        GuestCommand(rig, PciRegs.CommandIntxDisable);
        rig.File.Close();
        rig.Settle();

        using var _ = new OpenScope(rig);
        ConfigureIntx(rig);
        Assert.False(rig.Vdev.IntxMasked);
        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionMask)));
        Assert.Equal(0, SetIrqs(rig, IntxAction(VfioIrqSet.ActionUnmask)));
        Assert.False(rig.Vdev.IntxMasked);
        rig.AssertNoFatal();
    }

    [Fact]
    public void GuestReenableAfterRuntimeSuspendUnmasks_pm_intx_masked()
    {
        var rig = new VfioRig(intxLine: true);
        var trigger = ConfigureIntx(rig);

        // The guest disables INTx; then the device runtime-suspends and resumes with the bit still set.
        GuestCommand(rig, PciRegs.CommandIntxDisable);
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.False(rig.Vdev.PmIntxMasked); // already masked by the guest: the suspend's mask changed nothing
        Assert.Equal(0, rig.Exit());
        Assert.True(rig.Vdev.IntxMasked);

        // The guest re-enables INTx: the context is unmasked and the next interrupt is delivered.
        GuestCommand(rig, 0);
        Assert.False(rig.Vdev.IntxMasked);
        Assert.False(HardwareIntxDisable(rig));
        Assert.Equal(1, rig.Pdev.AssertIntx());
        Assert.Equal(1UL, trigger.Count);
        rig.AssertNoFatal();
    }

    [Fact]
    public void SuspendMaskedThenGuestDisableAndReenableStillDelivers_pm_intx_masked()
    {
        var rig = new VfioRig(intxLine: true);
        var trigger = ConfigureIntx(rig);
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.True(rig.Vdev.PmIntxMasked);

        // The config write resumes the device (its bracket); resume unmasks what suspend masked; then the guest's
        // disable masks again and its re-enable unmasks.
        GuestCommand(rig, PciRegs.CommandIntxDisable);
        Assert.True(rig.Vdev.IntxMasked);
        GuestCommand(rig, 0);
        Assert.False(rig.Vdev.IntxMasked);
        Assert.Equal(1, rig.Pdev.AssertIntx());
        Assert.Equal(1UL, trigger.Count);
        Assert.Equal(0, rig.Exit());
        rig.AssertNoFatal();
    }

    [Theory]
    [InlineData(VfioIrqSet.DataNone, null, 1UL)]
    [InlineData(VfioIrqSet.DataBool, (byte)1, 1UL)]
    [InlineData(VfioIrqSet.DataBool, (byte)0, 0UL)]
    public void IntxLoopbackSignalsTheTrigger_vfio_pci_set_intx_trigger(uint dataType, byte? value, ulong expected)
    {
        var rig = new VfioRig(intxLine: true);
        var trigger = ConfigureIntx(rig);
        var data = value is { } v ? new[] { v } : Array.Empty<byte>();

        Assert.Equal(0, SetIrqs(rig, VfioIrqSet.Build(dataType | VfioIrqSet.ActionTrigger, VfioIrqSet.IndexIntx, 0, 1, data)));
        Assert.Equal(expected, trigger.Count);
    }

    [Fact]
    public void IntxLoopbackIsSilentWhileTheGuestDisabledIntx_vfio_send_intx_eventfd()
    {
        var rig = new VfioRig(intxLine: true);
        var trigger = ConfigureIntx(rig);
        GuestCommand(rig, PciRegs.CommandIntxDisable);

        var loopback = VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionTrigger, VfioIrqSet.IndexIntx, 0, 1, ReadOnlySpan<byte>.Empty);
        Assert.Equal(0, SetIrqs(rig, loopback));
        Assert.Equal(0UL, trigger.Count);
    }

    [Fact]
    public void IntxLoopbackWithoutIntxIsEinval_vfio_pci_set_intx_trigger()
    {
        var rig = new VfioRig(intxLine: true);
        var loopback = VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionTrigger, VfioIrqSet.IndexIntx, 0, 1, ReadOnlySpan<byte>.Empty);
        Assert.Equal(-Errno.EINVAL, SetIrqs(rig, loopback));
    }

    // Opens the rig's device again (after a close) and closes that file at the end.
    private sealed class OpenScope : IDisposable
    {
        private readonly VfioRig _rig;

        public OpenScope(VfioRig rig)
        {
            _rig = rig;
            rig.Reopen();
        }

        public void Dispose() => _rig.File.Close();
    }
}
