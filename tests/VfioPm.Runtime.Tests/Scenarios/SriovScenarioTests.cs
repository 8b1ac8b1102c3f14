using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Scenarios;

/// <summary>
/// DESIGN scenario 4 (seed 003, spec §3.3 step 2, §3.11, §3.12, §3.14, §3.16 SR-IOV variant): a PF with VFs is pinned
/// in D0 by a usage reference kept while VFs exist; user D3 requests are refused; disable puts exactly once.
/// </summary>
public sealed class SriovScenarioTests
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);
    private static readonly long ConfigRegion = VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX);

    [Fact]
    public void EnablingVfsResumesThePfAndKeepsAReferenceWhileTheyExist()
    {
        var rig = Rig.Create();
        Assert.Equal(PciPowerState.D3cold, rig.Pf.CurrentState);
        Assert.Equal(0, rig.Pf.Power.UsageCount);

        Assert.Equal(2, rig.Vdev.SriovConfigure(2));
        Assert.Equal(1, rig.Pf.Power.UsageCount);
        Assert.True(rig.Vdev.SriovActive);
        Assert.Equal(2, rig.Pf.NumVfs);
        Assert.Equal(RpmStatus.Active, rig.Pf.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Pf.CurrentState);

        rig.Platform.Settle(SettleTime);
        Assert.Equal(1, rig.Pf.Power.UsageCount);
        Assert.Equal(RpmStatus.Active, rig.Pf.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Pf.CurrentState);

        // Open/close on top of it are balanced against the SR-IOV reference.
        var file = rig.Vdev.Open();
        Assert.Equal(2, rig.Pf.Power.UsageCount);
        file.Close();
        Assert.Equal(1, rig.Pf.Power.UsageCount);
        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Pf.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Pf.CurrentState);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void UserPmcsrD3hotWriteIsRefusedSilentlyOnAPfWithVfs()
    {
        var rig = Rig.Create();
        var file = rig.Vdev.Open();
        var pmcsr = rig.Pf.PmCap + PciRegs.PmCtrl;
        Assert.Equal(0x44, pmcsr);

        Assert.Equal(2, rig.Vdev.SriovConfigure(2));
        Assert.Equal(2, rig.Pf.Power.UsageCount);
        Assert.Equal(1, file.Write(new byte[] { 0x03 }, ConfigRegion + pmcsr));
        Assert.Equal(PciPowerState.D0, rig.Pf.CurrentState);
        Assert.Equal(RpmStatus.Active, rig.Pf.Power.Status);
        Assert.Equal(2, rig.Pf.Power.UsageCount);

        // The user reads back D0 (state bits come from the hardware).
        var buf = new byte[2];
        Assert.Equal(2, file.Read(buf, ConfigRegion + pmcsr));
        Assert.Equal(0, buf[0] & PciRegs.PmCtrlStateMask);

        // Control: once the VFs are gone the same write does reach D3hot.
        Assert.Equal(0, rig.Vdev.SriovConfigure(0));
        Assert.False(rig.Vdev.SriovActive);
        Assert.Equal(1, file.Write(new byte[] { 0x03 }, ConfigRegion + pmcsr));
        Assert.Equal(PciPowerState.D3hot, rig.Pf.CurrentState);
        Assert.Equal(1, rig.Pf.Power.UsageCount);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void EnablingVfsUndoesAUserD3hotFirst()
    {
        var rig = Rig.Create();
        var file = rig.Vdev.Open();
        Assert.Equal(1, file.Write(new byte[] { 0x03 }, ConfigRegion + rig.Pf.PmCap + PciRegs.PmCtrl));
        Assert.Equal(PciPowerState.D3hot, rig.Pf.CurrentState);
        Assert.Equal(RpmStatus.Active, rig.Pf.Power.Status);

        // Writing the SR-IOV capability of a PF outside D0 would be a fatal access: it must be back in D0 first.
        Assert.Equal(2, rig.Vdev.SriovConfigure(2));
        Assert.Equal(PciPowerState.D0, rig.Pf.CurrentState);
        Assert.Equal(2, rig.Pf.NumVfs);
        Assert.Equal(2, rig.Pf.Power.UsageCount);
        Assert.Empty(rig.Platform.FatalAccesses);

        Assert.Equal(0, rig.Vdev.SriovConfigure(0));
        file.Close();
        rig.Platform.Settle(SettleTime);
        Assert.Equal(0, rig.Pf.Power.UsageCount);
        Assert.Equal(PciPowerState.D3cold, rig.Pf.CurrentState);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void LowPowerEntryOnAPfWithVfsSucceedsButItNeverSuspendsNorSignals()
    {
        var rig = Rig.Create();
        var file = rig.Vdev.Open();
        Assert.Equal(2, rig.Vdev.SriovConfigure(2));
        var efd = new EventFd();
        var fd = file.Fds.Install(efd);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd)));
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(1, rig.Pf.Power.UsageCount);

        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, rig.Pf.Power.Status);
        Assert.Equal(PciPowerState.D0, rig.Pf.CurrentState);

        // Accesses find it active: no resume, so no notification.
        Assert.Equal(2, file.Read(new byte[2], ConfigRegion));
        var info = new byte[16];
        info[0] = 16;
        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
        rig.Platform.Settle(SettleTime);
        Assert.Equal(0UL, efd.Count);
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(RpmStatus.Active, rig.Pf.Power.Status);

        Assert.Equal(0, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(2, rig.Pf.Power.UsageCount);
        Assert.Equal(0UL, efd.Count);

        Assert.Equal(0, rig.Vdev.SriovConfigure(0));
        file.Close();
        rig.Platform.Settle(SettleTime);
        Assert.Equal(0, rig.Pf.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, rig.Pf.Power.Status);
        Assert.Equal(0UL, efd.Count);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void DisablingPutsTheReferenceExactlyOnce()
    {
        var rig = Rig.Create();
        Assert.Equal(3, rig.Vdev.SriovConfigure(3));
        Assert.Equal(1, rig.Pf.Power.UsageCount);

        Assert.Equal(0, rig.Vdev.SriovConfigure(0));
        Assert.Equal(0, rig.Pf.NumVfs);
        Assert.False(rig.Vdev.SriovActive);
        Assert.Equal(0, rig.Pf.Power.UsageCount);

        // A second disable has no VFs to disable and must not put again.
        Assert.Equal(0, rig.Vdev.SriovConfigure(0));
        Assert.Equal(0, rig.Pf.Power.UsageCount);
        Assert.Equal(0, rig.Pf.Power.UnderflowWarnings);

        rig.Platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Suspended, rig.Pf.Power.Status);
        Assert.Equal(PciPowerState.D3cold, rig.Pf.CurrentState);

        // Balanced: the device can be opened and enabled again.
        Assert.Equal(1, rig.Vdev.SriovConfigure(1));
        Assert.Equal(1, rig.Pf.Power.UsageCount);
        Assert.Equal(0, rig.Vdev.SriovConfigure(0));
        Assert.Equal(0, rig.Pf.Power.UsageCount);
        Assert.Equal(0, rig.Pf.Power.UnderflowWarnings);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void SecondEnableWithoutDisableIsInvalid()
    {
        var rig = Rig.Create();
        Assert.Equal(2, rig.Vdev.SriovConfigure(2));
        Assert.Equal(-Errno.EINVAL, rig.Vdev.SriovConfigure(3));
        Assert.Equal(2, rig.Pf.NumVfs);
        Assert.Equal(1, rig.Pf.Power.UsageCount);
        Assert.True(rig.Vdev.SriovActive);

        Assert.Equal(0, rig.Vdev.SriovConfigure(0));
        Assert.Equal(0, rig.Pf.Power.UsageCount);
        Assert.Empty(rig.Platform.FatalAccesses);
    }

    [Fact]
    public void RegisterOnAPfThatAlreadyHasVfsIsBusy()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var pf = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true, TotalVfs = 4 });
        Assert.Equal(0, pf.EnableSriov(2));

        var driver = new VfioPciDriver();
        Assert.Equal(-Errno.EBUSY, pf.Bind(driver));
        Assert.Null(pf.BoundDriver);
        Assert.Null(driver.GetDevice(pf));
        Assert.Equal(1, pf.Power.UsageCount);
        Assert.False(pf.Power.IsAllowed);
        Assert.Equal(2, pf.NumVfs);

        // The core device says the same when asked directly.
        Assert.Equal(-Errno.EBUSY, new VfioPciCoreDevice(pf).Register());
        platform.Settle(SettleTime);
        Assert.Equal(RpmStatus.Active, pf.Power.Status);
        Assert.Equal(PciPowerState.D0, pf.CurrentState);
        Assert.Empty(platform.FatalAccesses);
    }

    private sealed record Rig(SimulatedPlatform Platform, PciDevice Port, PciDevice Pf, VfioPciCoreDevice Vdev)
    {
        public static Rig Create()
        {
            var platform = new SimulatedPlatform();
            var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
            var pf = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true, TotalVfs = 4 });
            var driver = new VfioPciDriver();
            Assert.Equal(0, pf.Bind(driver));
            platform.Settle(SettleTime);
            Assert.Equal(RpmStatus.Suspended, pf.Power.Status);
            Assert.Equal(0, pf.Power.UsageCount);
            return new Rig(platform, port, pf, driver.GetDevice(pf)!);
        }
    }
}
