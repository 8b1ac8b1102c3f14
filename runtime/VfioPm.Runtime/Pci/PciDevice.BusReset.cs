using System;

namespace VfioPm.Runtime.Pci;

public partial class PciDevice
{
    /// <summary>Raised when this bridge starts a secondary bus reset, before any function below is reset. Handlers must not call back into the functions.</summary>
    public event Action<PciDevice>? SecondaryBusReset;

    /// <summary>Secondary bus reset of this bridge: every function below loses its internal state (config is saved and restored around it).</summary>
    /// <returns>0; <c>-ENOTTY</c> if this is not a bridge; <c>-EIO</c> (with fatal accesses) if the bridge or a function below is not in D0.</returns>
    // models pci_reset_bus() for a bus (not slot) reset
    public int ResetSecondaryBus()
    {
        if (!IsBridge)
        {
            return -Errno.ENOTTY;
        }

        if (!IsReachable || HardwareState != PciPowerState.D0)
        {
            RecordFatal("secondary bus reset");
            return -Errno.EIO;
        }

        SecondaryBusReset?.Invoke(this);
        var result = 0;
        foreach (var child in Children)
        {
            if (child is not PciDevice pci)
            {
                continue;
            }

            if (!pci.IsReachable || pci.HardwareState != PciPowerState.D0)
            {
                pci.RecordFatal("bus reset of a function not in D0");
                result = -Errno.EIO;
                continue;
            }

            foreach (var bar in pci.Bars)
            {
                bar.Clear();
            }
        }

        return result;
    }
}
