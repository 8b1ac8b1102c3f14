using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// <c>vfio_pci_core_pm_ops</c>: runtime suspend and resume only (no idle, no system sleep), one instance per driver,
/// handed out as <see cref="PciDriver.PmOps"/>. The PCI core installs it when the driver binds (before probe) and
/// removes it at unbind; each callback finds its core device through the driver's per-function data, as the kernel's
/// callbacks use <c>dev_get_drvdata()</c>. A function with no core device yet (or any more) has nothing to do.
/// </summary>
/// <remarks>Called by the PCI bus callbacks with the device's power lock dropped.</remarks>
public sealed class VfioPciCorePmOps : IRuntimePmCallbacks
{
    private readonly Func<PciDevice, VfioPciCoreDevice?> _drvdata;

    /// <summary>Creates the ops for a driver whose core device for a function is <paramref name="drvdata"/>(function).</summary>
    public VfioPciCorePmOps(Func<PciDevice, VfioPciCoreDevice?> drvdata) =>
        _drvdata = drvdata ?? throw new ArgumentNullException(nameof(drvdata));

    /// <inheritdoc/>
    public RuntimePmCallbackKinds Provides => RuntimePmCallbackKinds.Suspend | RuntimePmCallbackKinds.Resume;

    /// <inheritdoc/>
    // models vfio_pci_core_runtime_suspend() lookup
    public int RuntimeSuspend(Device device) => Core(device)?.RuntimeSuspendCallback() ?? 0;

    /// <inheritdoc/>
    // models vfio_pci_core_runtime_resume() lookup
    public int RuntimeResume(Device device) => Core(device)?.RuntimeResumeCallback() ?? 0;

    /// <inheritdoc/>
    public int RuntimeIdle(Device device) => 0;

    private VfioPciCoreDevice? Core(Device device) => device is PciDevice pdev ? _drvdata(pdev) : null;
}
