using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Pci;

/// <summary>SR-IOV at the PCI level (pci_enable_sriov / pci_disable_sriov in drivers/pci/iov.c).</summary>
public sealed class SriovTests
{
    private static (SimulatedPlatform Platform, PciDevice Pf) PhysicalFunction(int totalVfs = 4)
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        return (platform, platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { TotalVfs = totalVfs }));
    }

    [Fact]
    public void EnableCreatesVfsNamedAfterThePfAndAddsThemToTheBus_pci_enable_sriov()
    {
        var (_, pf) = PhysicalFunction();
        var added = 0;
        pf.VirtualFunctionAdded += _ => added++;

        Assert.Equal(0, pf.EnableSriov(2));
        Assert.Equal(2, pf.NumVfs);
        Assert.Equal(2, added);
        Assert.Equal(new[] { "0000:01:00.1", "0000:01:00.2" }, new[] { pf.VirtualFunctions[0].Name, pf.VirtualFunctions[1].Name });
        foreach (var vf in pf.VirtualFunctions)
        {
            Assert.True(vf.IsVirtFn);
            Assert.Same(pf, vf.PhysFn);
            Assert.True(vf.IsAdded);
            Assert.True(vf.NoCommandMemory); // memory enable lives in the PF
            Assert.False(vf.Spec.HasIntx);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public void EnableOutsideOneToTotalVfsIsEinval_pci_enable_sriov(int numVfs)
    {
        var (_, pf) = PhysicalFunction();
        Assert.Equal(-Errno.EINVAL, pf.EnableSriov(numVfs));
        Assert.Equal(0, pf.NumVfs);
    }

    [Fact]
    public void ASecondEnableIsEbusyAndANonPfIsEinval_pci_enable_sriov()
    {
        var (platform, pf) = PhysicalFunction();
        Assert.Equal(0, pf.EnableSriov(1));
        Assert.Equal(-Errno.EBUSY, pf.EnableSriov(1));

        var plain = platform.AddEndpoint(platform.AddRootPort("0000:00:1d.0"), "0000:02:00.0");
        Assert.Equal(-Errno.EINVAL, plain.EnableSriov(1));
    }

    [Fact]
    public void EnablingAPfOutsideD0IsAFatalAccess_pci_enable_sriov()
    {
        var (platform, pf) = PhysicalFunction();
        Assert.Equal(0, pf.SetPowerState(PciPowerState.D3hot));
        Assert.Equal(-Errno.EIO, pf.EnableSriov(1));
        Assert.Single(platform.FatalAccesses);
    }

    [Fact]
    public void DisableUnbindsAndRemovesEveryVf_pci_disable_sriov()
    {
        var (platform, pf) = PhysicalFunction();
        Assert.Equal(0, pf.EnableSriov(2));
        var vf = pf.VirtualFunctions[0];
        var driver = new VfioPciDriver();
        Assert.Equal(0, vf.Bind(driver));
        platform.Settle(System.TimeSpan.FromMilliseconds(300));
        var removing = 0;
        pf.VirtualFunctionRemoving += _ => removing++;

        pf.DisableSriov();

        Assert.Equal(0, pf.NumVfs);
        Assert.Equal(2, removing);
        Assert.Null(vf.BoundDriver);
        Assert.DoesNotContain(vf, pf.Children);
        Assert.False(vf.Power.IsEnabled);
        Assert.Equal(0, vf.Power.UnderflowWarnings);
    }
}
