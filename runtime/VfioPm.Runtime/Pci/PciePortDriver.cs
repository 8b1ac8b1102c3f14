using VfioPm.Annotations;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Pci;

/// <summary>
/// The PCIe port driver (<c>pcieport</c>): where bridge D3 is possible it lets the port autosuspend 100 ms after its last
/// child idles; its runtime idle and suspend say <c>-EBUSY</c> while <see cref="PciDevice.BridgeD3"/> is false.
/// </summary>
public sealed class PciePortDriver : PciDriver, IRuntimePmCallbacks
{
    /// <summary>The port autosuspend delay the kernel uses.</summary>
    public const int AutosuspendDelayMs = 100;

    /// <inheritdoc/>
    public override string Name => "pcieport";

    /// <inheritdoc/>
    public override IRuntimePmCallbacks? PmOps => this;

    /// <inheritdoc/>
    // models pcie_portdrv_probe() (runtime-PM part): where bridge D3 is possible, hands the PCI core's probe reference
    // back so the port can autosuspend.
    [RequiresPmReference("device")]
    [ReleasesPmReference("device", When = "device.Spec.BridgeD3Possible")]
    public override int Probe(PciDevice device)
    {
        if (device.Spec.BridgeD3Possible)
        {
            device.Power.SetAutosuspendDelay(AutosuspendDelayMs);
            device.Power.UseAutosuspend();
            device.Power.MarkLastBusy();
            device.Power.PutAutosuspend();
            device.Power.Allow();
        }

        return 0;
    }

    /// <inheritdoc/>
    // models pcie_portdrv_remove() (runtime-PM part): takes back what probe handed over, for the PCI core to drop.
    [RequiresPmReference("device")]
    [AcquiresPmReference("device", When = "device.Spec.BridgeD3Possible")]
    public override void Remove(PciDevice device)
    {
        if (device.Spec.BridgeD3Possible)
        {
            device.Power.Forbid();
            device.Power.GetNoResume();
            device.Power.DontUseAutosuspend();
        }
    }

    /// <inheritdoc/>
    // models pcie_port_runtime_suspend()
    public int RuntimeSuspend(Device device) => ((PciDevice)device).BridgeD3 ? 0 : -Errno.EBUSY;

    /// <inheritdoc/>
    // models pcie_port_runtime_resume()
    public int RuntimeResume(Device device) => 0;

    /// <inheritdoc/>
    // models pcie_port_runtime_idle(): the PCI core moves the port to D3; the port only says whether it may.
    public int RuntimeIdle(Device device) => ((PciDevice)device).BridgeD3 ? 0 : -Errno.EBUSY;
}
