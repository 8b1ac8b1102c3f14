using System;
using System.Linq;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>Spec §3.13 (<c>VFIO_DEVICE_RESET</c>) and §3.15 (hot reset of a device set, try-reset on close).</summary>
public sealed class ResetTests
{
    private const int Bar0 = VfioUapi.VFIO_PCI_BAR0_REGION_INDEX;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private static int Reset(VfioDeviceFile file) => file.Ioctl(VfioUapi.VFIO_DEVICE_RESET, Span<byte>.Empty);

    private static int HotReset(VfioDeviceFile file) => file.Ioctl(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, new byte[16]);

    private static void EnableMemory(VfioDeviceFile file) =>
        Assert.Equal(2L, file.Write(new byte[] { 0x02, 0x00 }, VfioRig.Region(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX, PciRegs.Command)));

    private static byte[] ReadBar(VfioDeviceFile file, int length = 4)
    {
        var b = new byte[length];
        Assert.Equal(length, file.Read(b, VfioRig.Region(Bar0)));
        return b;
    }

    // ---- §3.13 ----

    [Fact]
    public void DeviceResetReturnsZeroAndResetsTheFunction()
    {
        var rig = new VfioRig();
        Assert.True(rig.Vdev.ResetWorks);
        rig.EnableMemory();
        Assert.Equal(4L, rig.File.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(Bar0)));
        Assert.Equal(0, rig.File.Mmap(Bar0, out var map));
        Assert.Equal(MmapAccess.Ok, map!.Read(0, new byte[1]));

        Assert.Equal(0, Reset(rig.File));
        Assert.False(map.IsMapped); // zapped for the reset
        Assert.Equal(new byte[4], ReadBar(rig.File));
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void DeviceResetPutsAUserD3hotFunctionInD0First()
    {
        var rig = new VfioRig();
        rig.EnableMemory();
        Assert.Equal(4L, rig.File.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(Bar0)));
        rig.WritePmcsr(0x03);
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState);

        Assert.Equal(0, Reset(rig.File));
        Assert.Equal(PciPowerState.D0, rig.Pdev.CurrentState);
        rig.AssertNoFatal(); // a function reset in D3hot would have been a fatal access
        Assert.Equal(new byte[4], ReadBar(rig.File));
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void DeviceResetOfAnEngagedSuspendedDeviceRunsActive()
    {
        var rig = new VfioRig();
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, Reset(rig.File));
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        Assert.Equal(0, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void DeviceResetWithoutFunctionResetIsEinval()
    {
        var rig = new VfioRig(new PciFunctionSpec { FunctionResetSupported = false });
        Assert.False(rig.Vdev.ResetWorks);
        rig.EnableMemory();
        Assert.Equal(4L, rig.File.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(Bar0)));
        rig.WritePmcsr(0x03);

        Assert.Equal(-Errno.EINVAL, Reset(rig.File));
        Assert.Equal(PciPowerState.D3hot, rig.Pdev.CurrentState); // nothing done
        rig.WritePmcsr(0x00);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, ReadBar(rig.File));
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }

    // ---- §3.15: two vfio functions behind one bridge ----

    private sealed class TwoFunctionSet
    {
        public TwoFunctionSet(PciFunctionSpec? spec = null, bool extraNonVfio = false)
        {
            Platform = new SimulatedPlatform();
            Port = Platform.AddRootPort("0000:00:1c.0");
            A = Platform.AddEndpoint(Port, "0000:01:00.0", spec);
            B = Platform.AddEndpoint(Port, "0000:01:00.1", spec);
            if (extraNonVfio)
            {
                Other = Platform.AddEndpoint(Port, "0000:01:00.2", spec);
            }

            Driver = new VfioPciDriver();
            Assert.Equal(0, A.Bind(Driver));
            Assert.Equal(0, B.Bind(Driver));
            Settle();
            VA = Driver.GetDevice(A)!;
            VB = Driver.GetDevice(B)!;
            Assert.Same(VA.DevSet, VB.DevSet);
            Assert.Equal(RpmStatus.Suspended, A.Power.Status);
            Assert.Equal(RpmStatus.Suspended, B.Power.Status);
        }

        public SimulatedPlatform Platform { get; }

        public PciDevice Port { get; }

        public PciDevice A { get; }

        public PciDevice B { get; }

        public PciDevice? Other { get; }

        public VfioPciDriver Driver { get; }

        public VfioPciCoreDevice VA { get; }

        public VfioPciCoreDevice VB { get; }

        public void Settle() => Platform.Settle(VfioRig.SettleTime);
    }

    [Fact]
    public void HotResetTakesAReferenceOnEveryMemberAndPutsThemAllBack()
    {
        var set = new TwoFunctionSet();
        var fa = set.VA.Open();
        set.Settle();
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, set.B.Power.Status);

        // A user D3hot on A: the hot reset must bring A to D0 (§3.15 step 4); sample both counts at that moment.
        Assert.Equal(1L, fa.Write(new byte[] { 0x03 }, VfioRig.Region(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX, PciConfigSpace.PmCapOffset + PciRegs.PmCtrl)));
        Assert.Equal(PciPowerState.D3hot, set.A.CurrentState);
        int usageA = -1, usageB = -1;
        var statusB = RpmStatus.Suspended;
        set.A.PowerStateChanged += (d, from, to) =>
        {
            if (to == PciPowerState.D0)
            {
                usageA = set.A.Power.UsageCount;
                usageB = set.B.Power.UsageCount;
                statusB = set.B.Power.Status;
            }
        };

        Assert.Equal(0, HotReset(fa));
        Assert.Equal(3, usageA); // open reference + the ioctl wrapper's + the device set's
        Assert.Equal(1, usageB);
        Assert.Equal(RpmStatus.Active, statusB);
        Assert.Equal(PciPowerState.D0, set.A.CurrentState);
        Assert.Empty(set.Platform.FatalAccesses); // the bus reset found every function in D0

        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        set.Settle();
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, set.B.Power.Status);
        Assert.False(set.VA.MemoryLock.IsWriteLocked);
        Assert.False(set.VB.MemoryLock.IsWriteLocked);
        fa.Close();
        Assert.Empty(set.Platform.FatalAccesses);
    }

    [Fact]
    public void HotResetWithAContendedMemoryLockIsEbusyAndPutsEveryReferenceBack()
    {
        var set = new TwoFunctionSet();
        var fa = set.VA.Open();
        var fb = set.VB.Open();
        set.Settle();
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(1, set.B.Power.UsageCount);

        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            set.VB.MemoryLock.DownRead();
            held.Set();
            try
            {
                release.Wait(Bounded);
            }
            finally
            {
                set.VB.MemoryLock.UpRead();
            }
        })
        { IsBackground = true, Name = "memory_lock reader" };
        holder.Start();
        Assert.True(held.Wait(Bounded));

        int result;
        try
        {
            result = HotReset(fa);
            Assert.Equal(1, set.A.Power.UsageCount);
            Assert.Equal(1, set.B.Power.UsageCount);
            Assert.False(set.VA.MemoryLock.IsWriteLocked);
            Assert.Equal(1, set.VB.MemoryLock.ReaderCount);
        }
        finally
        {
            release.Set();
            Assert.True(holder.Join(Bounded));
        }

        Assert.Equal(-Errno.EBUSY, result);
        set.Settle();
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(1, set.B.Power.UsageCount);
        Assert.Equal(0, set.A.Power.UnderflowWarnings + set.B.Power.UnderflowWarnings);

        // Control: uncontended, the same call succeeds.
        Assert.Equal(0, HotReset(fa));
        set.Settle();
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(1, set.B.Power.UsageCount);
        fa.Close();
        fb.Close();
        set.Settle();
        Assert.Equal(0, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        Assert.Empty(set.Platform.FatalAccesses);
    }

    [Fact]
    public void HotResetOfABusWithANonVfioFunctionIsEinval()
    {
        var set = new TwoFunctionSet(extraNonVfio: true);
        Assert.Null(set.Other!.BoundDriver);
        var fa = set.VA.Open();
        set.Settle();
        var mark = set.Platform.Timeline.Count;

        Assert.Equal(-Errno.EINVAL, HotReset(fa));
        set.Settle();
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, set.B.Power.Status);
        // B was never resumed: the check comes before the PM get of the set.
        Assert.DoesNotContain(set.Platform.Timeline.Skip(mark), e => e.Device == set.B.Name && e.Kind == TimelineKind.RuntimePm);
        fa.Close();
        Assert.Empty(set.Platform.FatalAccesses);
    }

    // ---- §3.15 try-reset on close ----

    [Fact]
    public void LastCloseOfTheSetResetsTheBusWhenOneNeedsReset()
    {
        // No function reset, so close leaves needs_reset set and only a bus reset clears it.
        var set = new TwoFunctionSet(new PciFunctionSpec { FunctionResetSupported = false });
        var fa = set.VA.Open();
        var fb = set.VB.Open();
        EnableMemory(fb);
        Assert.Equal(4L, fb.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(Bar0)));
        set.Settle();

        fa.Close();
        Assert.True(set.VA.NeedsReset); // B still open: no bus reset yet
        Assert.False(set.VB.NeedsReset);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, ReadBar(fb));
        set.Settle();
        Assert.Equal(RpmStatus.Suspended, set.A.Power.Status);
        Assert.Equal(0, set.A.Power.UsageCount);

        fb.Close();
        Assert.False(set.VA.NeedsReset);
        Assert.False(set.VB.NeedsReset);
        set.Settle();
        Assert.Equal(0, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, set.A.Power.Status);
        Assert.Equal(RpmStatus.Suspended, set.B.Power.Status);
        Assert.Empty(set.Platform.FatalAccesses); // both were resumed for the bus reset

        // The bus reset really happened: B's BAR lost its contents.
        fb = set.VB.Open();
        EnableMemory(fb);
        Assert.Equal(new byte[4], ReadBar(fb));
        fb.Close();
        Assert.Empty(set.Platform.FatalAccesses);
    }

    [Fact]
    public void NoBusResetWhileAnotherDeviceOfTheSetIsOpen()
    {
        var set = new TwoFunctionSet(new PciFunctionSpec { FunctionResetSupported = false });
        var fa = set.VA.Open();
        var fb = set.VB.Open();
        EnableMemory(fa);
        Assert.Equal(4L, fa.Write(new byte[] { 5, 6, 7, 8 }, VfioRig.Region(Bar0)));
        EnableMemory(fb);
        Assert.Equal(4L, fb.Write(new byte[] { 1, 2, 3, 4 }, VfioRig.Region(Bar0)));

        fa.Close();
        set.Settle();
        Assert.True(set.VA.NeedsReset);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, ReadBar(fb));

        // Reopening A (B still open) and closing it again still does not reset.
        fa = set.VA.Open();
        EnableMemory(fa);
        Assert.Equal(new byte[] { 5, 6, 7, 8 }, ReadBar(fa));
        fa.Close();
        Assert.True(set.VA.NeedsReset);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, ReadBar(fb));
        fb.Close();
        set.Settle();
        Assert.Empty(set.Platform.FatalAccesses);
    }

    [Fact]
    public void NoBusResetOnCloseWhenTheBusHasANonVfioFunction()
    {
        var set = new TwoFunctionSet(new PciFunctionSpec { FunctionResetSupported = false }, extraNonVfio: true);
        var fa = set.VA.Open();
        fa.Close();
        Assert.True(set.VA.NeedsReset);
        set.Settle();
        Assert.Equal(0, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        Assert.Empty(set.Platform.FatalAccesses);
    }

    [Fact]
    public void CloseWithWorkingFunctionResetLeavesNothingToReset()
    {
        var set = new TwoFunctionSet();
        var fa = set.VA.Open();
        var mark = set.Platform.Timeline.Count;
        fa.Close();
        Assert.False(set.VA.NeedsReset);
        Assert.False(set.VB.NeedsReset);
        // try-reset had nothing to do, so B (unused, suspended) was never woken.
        Assert.DoesNotContain(set.Platform.Timeline.Skip(mark), e => e.Device == set.B.Name && e.Kind == TimelineKind.RuntimePm);
        set.Settle();
        Assert.Equal(0, set.A.Power.UsageCount);
        Assert.Empty(set.Platform.FatalAccesses);
    }
}
