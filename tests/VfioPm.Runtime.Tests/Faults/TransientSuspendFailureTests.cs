using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Vfio;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Faults;

/// <summary>
/// A runtime suspend refused with -EBUSY or -EAGAIN (spec §4.5 fail path, §5.2 step 3): not latched, the device stays
/// active and usable with its counts as they were, and the next idle — here the put after the next access — retries.
/// </summary>
public sealed class TransientSuspendFailureTests
{
    [Theory]
    [InlineData(Errno.EBUSY)]
    [InlineData(Errno.EAGAIN)]
    public void TheDeviceStaysActiveAndTheNextPutRetries(int errno)
    {
        var rig = new VfioRig(platformD3Cold: true);
        rig.EnableMemory();
        Assert.Equal(0, rig.File.Mmap(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX, out var map));
        rig.Platform.FailRuntimeCallback(rig.Pdev, RuntimePmCallbackKinds.Suspend, -errno);

        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.Pdev.Power.RuntimeError);
        Assert.Equal(0, rig.Usage);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(1, rig.Port.Power.ChildCount);

        // Still engaged, so mmap stays off even though the device never went down.
        Assert.Equal(MmapAccess.SigBus, map!.Read(0, new byte[4]));

        // Usable meanwhile; the put at the end of the ioctl idles it again and this time it suspends.
        Assert.Equal(0, rig.GetInfo());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.Port.Power.ChildCount);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(0, rig.Pdev.Power.UnderflowWarnings);
        rig.AssertNoFatal();
    }

    [Theory]
    [InlineData(Errno.EBUSY)]
    [InlineData(Errno.EAGAIN)]
    public void AnUnusedDeviceWhoseSuspendFailedSuspendsOnItsNextIdle(int errno)
    {
        var rig = new VfioRig(platformD3Cold: true);
        rig.Platform.FailRuntimeCallback(rig.Pdev, RuntimePmCallbackKinds.Suspend, -errno);
        rig.File.Close();
        rig.Settle();
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(0, rig.Usage);
        Assert.Equal(0, rig.Pdev.Power.RuntimeError);

        // Nothing retries by itself outside autosuspend (as in the kernel); the next idle does.
        Assert.Equal(0, rig.Pdev.Power.RequestIdle());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Pdev.CurrentState);
        Assert.Equal(0, rig.Usage);
        rig.AssertNoFatal();
    }
}
