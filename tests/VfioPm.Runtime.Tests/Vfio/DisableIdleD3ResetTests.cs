using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>
/// Which members of a device set take PM references around a bus reset when <c>disable_idle_d3</c> is set:
/// vfio_pci_dev_set_try_reset() takes none for them; vfio_pci_dev_set_hot_reset() takes one on every member.
/// </summary>
public sealed class DisableIdleD3ResetTests
{
    private static readonly PciFunctionSpec NoFlr = new() { FunctionResetSupported = false };

    private sealed class Set
    {
        public Set(bool disableIdleD3A, bool disableIdleD3B)
        {
            Platform = new SimulatedPlatform();
            Port = Platform.AddRootPort("0000:00:1c.0");
            A = Platform.AddEndpoint(Port, "0000:01:00.0", NoFlr);
            B = Platform.AddEndpoint(Port, "0000:01:00.1", NoFlr);
            var driverA = new VfioPciDriver(new VfioPciOptions { DisableIdleD3 = disableIdleD3A });
            var driverB = new VfioPciDriver(new VfioPciOptions { DisableIdleD3 = disableIdleD3B });
            Assert.Equal(0, A.Bind(driverA));
            Assert.Equal(0, B.Bind(driverB));
            Platform.Settle(VfioRig.SettleTime);
            VA = driverA.GetDevice(A)!;
            VB = driverB.GetDevice(B)!;
            Assert.Same(VA.DevSet, VB.DevSet);
            Port.SecondaryBusReset += _ =>
            {
                UsageAtReset = (A.Power.UsageCount, B.Power.UsageCount);
                Resets++;
            };
        }

        public SimulatedPlatform Platform { get; }

        public PciDevice Port { get; }

        public PciDevice A { get; }

        public PciDevice B { get; }

        public VfioPciCoreDevice VA { get; }

        public VfioPciCoreDevice VB { get; }

        public (int A, int B) UsageAtReset { get; private set; } = (-1, -1);

        public int Resets { get; private set; }

        public void Settle() => Platform.Settle(VfioRig.SettleTime);
    }

    [Fact]
    public void TryResetTakesNoReferenceUnderDisableIdleD3_vfio_pci_dev_set_try_reset()
    {
        var set = new Set(disableIdleD3A: true, disableIdleD3B: true);
        Assert.Equal(1, set.A.Power.UsageCount); // the probe reference vfio keeps under disable_idle_d3
        var fa = set.VA.Open();
        fa.Close(); // no FLR: needs_reset stays set; the set is now unused → bus reset

        Assert.Equal(1, set.Resets);
        Assert.Equal((1, 1), set.UsageAtReset);
        Assert.False(set.VA.NeedsReset);
        set.Settle();
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(1, set.B.Power.UsageCount);
        Assert.Empty(set.Platform.FatalAccesses);
    }

    [Fact]
    public void TryResetHoldsOnlyTheMembersThatCanIdle_vfio_pci_dev_set_try_reset()
    {
        var set = new Set(disableIdleD3A: true, disableIdleD3B: false);
        Assert.Equal(RpmStatus.Suspended, set.B.Power.Status);
        var fa = set.VA.Open();
        fa.Close();

        // B was suspended: it is resumed and held (0 → 1); A, latched with disable_idle_d3, is not touched.
        Assert.Equal(1, set.Resets);
        Assert.Equal((1, 1), set.UsageAtReset);
        set.Settle();
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, set.B.Power.Status);
        Assert.Empty(set.Platform.FatalAccesses);
    }

    [Fact]
    public void TryResetWithoutDisableIdleD3HoldsEveryMember_vfio_pci_dev_set_try_reset()
    {
        var set = new Set(disableIdleD3A: false, disableIdleD3B: false);
        var fa = set.VA.Open();
        fa.Close();

        // A: the open reference is still held while it closes (1) + the set's (2); B: 0 → 1.
        Assert.Equal(1, set.Resets);
        Assert.Equal((2, 1), set.UsageAtReset);
        set.Settle();
        Assert.Equal(0, set.A.Power.UsageCount);
        Assert.Equal(0, set.B.Power.UsageCount);
        Assert.Empty(set.Platform.FatalAccesses);
    }

    [Fact]
    public void HotResetHoldsEveryMemberEvenUnderDisableIdleD3_vfio_pci_dev_set_hot_reset()
    {
        var set = new Set(disableIdleD3A: true, disableIdleD3B: true);
        var fa = set.VA.Open();
        Assert.Equal(0, fa.Ioctl(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, new byte[16]));

        // A: probe reference + the ioctl wrapper's + the set's; B: probe reference + the set's.
        Assert.Equal((3, 2), set.UsageAtReset);
        Assert.Equal(1, set.A.Power.UsageCount);
        Assert.Equal(1, set.B.Power.UsageCount);
        fa.Close();
        Assert.Empty(set.Platform.FatalAccesses);
    }
}
