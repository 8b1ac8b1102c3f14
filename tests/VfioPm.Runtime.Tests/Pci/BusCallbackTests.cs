using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Vfio;

namespace VfioPm.Runtime.Tests.Pci;

/// <summary>The PCI bus runtime callbacks (pci_pm_runtime_idle/suspend/resume in drivers/pci/pci-driver.c).</summary>
public sealed class BusCallbackTests
{
    private static (SimulatedPlatform Platform, PciDevice Pdev) Function(PciFunctionSpec? spec = null, bool platformD3Cold = false)
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: platformD3Cold);
        return (platform, platform.AddEndpoint(port, "0000:01:00.0", spec ?? new PciFunctionSpec { PlatformD3Cold = platformD3Cold }));
    }

    private sealed class Driver : PciDriver
    {
        public Driver(IRuntimePmCallbacks? ops) => PmOps = ops;

        public override string Name => "test";

        public override IRuntimePmCallbacks? PmOps { get; }

        public override int Probe(PciDevice device) => 0;

        public override void Remove(PciDevice device)
        {
        }
    }

    [Fact]
    public void IdleOfAnUnboundFunctionIsZero_pci_pm_runtime_idle()
    {
        var (_, pdev) = Function();
        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeIdle(pdev));
    }

    [Fact]
    public void IdleOfABoundFunctionWithoutPmOpsIsEnosys_pci_pm_runtime_idle()
    {
        var (_, pdev) = Function();
        Assert.Equal(0, pdev.Bind(new Driver(null)));
        Assert.Equal(-Errno.ENOSYS, PciBusRuntimePm.Instance.RuntimeIdle(pdev));
    }

    [Fact]
    public void SuspendBeforeTheFunctionIsAddedIsEbusy_pci_pm_runtime_suspend()
    {
        var platform = new SimulatedPlatform();
        var pdev = new PciDevice("0000:05:00.0", null, platform.Environment);
        Assert.Equal(-Errno.EBUSY, PciBusRuntimePm.Instance.RuntimeSuspend(pdev));
    }

    [Fact]
    public void SuspendOfAnUnboundFunctionSavesStateAndStaysInD0_pci_pm_runtime_suspend()
    {
        var (_, pdev) = Function();
        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeSuspend(pdev));
        Assert.True(pdev.StateSaved);
        Assert.Equal(PciPowerState.D0, pdev.CurrentState);
    }

    [Fact]
    public void ADriverSuspendErrorIsReturnedAndTheFunctionStaysInD0_pci_pm_runtime_suspend()
    {
        var (_, pdev) = Function();
        Assert.Equal(0, pdev.Bind(new Driver(new RuntimePmOps { Suspend = _ => -Errno.EBUSY, Resume = _ => 0 })));
        Assert.Equal(-Errno.EBUSY, PciBusRuntimePm.Instance.RuntimeSuspend(pdev));
        Assert.Equal(PciPowerState.D0, pdev.CurrentState);
    }

    [Fact]
    public void SuspendSavesStateAndGoesToTheTargetState_pci_finish_runtime_suspend()
    {
        var (_, pdev) = Function(platformD3Cold: true);
        Assert.Equal(0, pdev.Bind(new Driver(new RuntimePmOps { Suspend = _ => 0, Resume = _ => 0 })));
        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeSuspend(pdev));
        Assert.True(pdev.StateSaved);
        Assert.Equal(PciPowerState.D3cold, pdev.CurrentState);

        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeResume(pdev));
        Assert.Equal(PciPowerState.D0, pdev.CurrentState);
        Assert.False(pdev.StateSaved); // restored
    }

    [Fact]
    public void ADriverThatMovedTheFunctionItselfIsLeftAlone_pci_pm_runtime_suspend()
    {
        var (_, pdev) = Function();
        var ops = new RuntimePmOps { Suspend = d => ((PciDevice)d).SetPowerState(PciPowerState.D3hot), Resume = _ => 0 };
        Assert.Equal(0, pdev.Bind(new Driver(ops)));
        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeSuspend(pdev));
        Assert.Equal(PciPowerState.D3hot, pdev.CurrentState);
        Assert.False(pdev.StateSaved); // the driver saved nothing; the PCI core did not either
    }

    [Fact]
    public void ResumeRestoresEvenAnUnboundFunction_pci_pm_runtime_resume()
    {
        var (_, pdev) = Function();
        pdev.Config.Write(0x80, new byte[] { 0x11 });
        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeSuspend(pdev));
        pdev.Config.Write(0x80, new byte[] { 0x22 });
        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeResume(pdev));
        var b = new byte[1];
        pdev.Config.Read(0x80, b);
        Assert.Equal(0x11, b[0]);
    }

    [Fact]
    public void TheDriversResumeRunsAfterThePowerUp_pci_pm_runtime_resume()
    {
        var (_, pdev) = Function(platformD3Cold: true);
        var stateAtResume = PciPowerState.Unknown;
        var ops = new RuntimePmOps { Suspend = _ => 0, Resume = d => { stateAtResume = ((PciDevice)d).CurrentState; return 0; } };
        Assert.Equal(0, pdev.Bind(new Driver(ops)));
        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeSuspend(pdev));
        Assert.Equal(0, PciBusRuntimePm.Instance.RuntimeResume(pdev));
        Assert.Equal(PciPowerState.D0, stateAtResume);
    }

    [Fact]
    public void BindInstallsTheDriversOpsAndUnbindRemovesThem_really_probe()
    {
        var (_, pdev) = Function();
        var ops = new RuntimePmOps { Suspend = _ => 0, Resume = _ => 0 };
        Assert.Equal(0, pdev.Bind(new Driver(ops)));
        Assert.Same(ops, pdev.Driver);
        Assert.Equal(-Errno.EBUSY, pdev.Bind(new Driver(null)));
        pdev.Unbind();
        Assert.Null(pdev.Driver);
        Assert.Null(pdev.BoundDriver);
        Assert.Equal(1, pdev.Power.UsageCount); // back to the PCI default (forbidden)
        Assert.Equal(RpmStatus.Active, pdev.Power.Status);
    }
}
