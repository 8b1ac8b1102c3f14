using System.Diagnostics.CodeAnalysis;
using System.Threading;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// Registration with the PCI function and runtime PM (vfio_pci_core_register_device / _unregister_device).
public sealed partial class VfioPciCoreDevice
{
    /// <summary>Registers the device: D0 first, runtime PM allowed, and (unless <see cref="DisableIdleD3"/>) the probe reference dropped so the unused device can idle into D3.</summary>
    /// <returns>0; <c>-EINVAL</c> for a bridge (header type must be normal) or a second registration; <c>-EBUSY</c> for a PF that already has VFs.</returns>
    /// <remarks>Called from probe, with the PCI core's probe reference held and the driver's PM ops (<see cref="VfioPciCorePmOps"/>) already installed by the PCI core. May sleep.</remarks>
    // models vfio_pci_core_register_device()
    [SuppressMessage("VfioPm.RuntimePm", "VPM0002", Justification = "vfio_pci_core_register_device(): drops the PCI core's probe reference so the unused device can idle into D3 (spec 3.3).")]
    public int Register()
    {
        if (Pdev.IsBridge || IsRegistered)
        {
            return -Errno.EINVAL;
        }

        // Cannot bind to a PF with SR-IOV enabled.
        if (Pdev.IsPhysFn && Pdev.NumVfs > 0)
        {
            return -Errno.EBUSY;
        }

        Volatile.Write(ref _devSet, DeviceSet.Join(this));
        ProbePowerState();

        // The PCI core may have left the state unknown; D0 is the only legal way out of it.
        using (MemoryLock.WriteLock())
        {
            SetPowerStateLocked(PciPowerState.D0);
        }

        Pdev.Power.Allow();
        if (!DisableIdleD3)
        {
            Pdev.Power.Put();
        }

        Volatile.Write(ref _registered, 1);
        return 0;
    }

    /// <summary>Unregisters: disables VFs, takes back the reference dropped at registration, and forbids runtime PM (power/control ends "on").</summary>
    /// <returns>0; <c>-EBUSY</c> while the device is open (the kernel waits for users; the model cannot).</returns>
    /// <remarks>May sleep.</remarks>
    // models vfio_pci_core_unregister_device()
    [SuppressMessage("VfioPm.RuntimePm", "VPM0001", Justification = "vfio_pci_core_unregister_device(): re-takes the reference the PCI core drops after remove (spec 3.3).")]
    public int Unregister()
    {
        if (!IsRegistered)
        {
            return -Errno.EINVAL;
        }

        if (OpenCount > 0)
        {
            return -Errno.EBUSY;
        }

        SriovConfigure(0);
        Volatile.Write(ref _registered, 0);
        DevSet?.Leave(this);
        if (!DisableIdleD3)
        {
            Pdev.Power.GetNoResume();
        }

        Pdev.Power.Forbid();
        return 0;
    }

    // models vfio_pci_probe_power_state(): a function without No_Soft_Reset loses state in D3hot.
    private void ProbePowerState()
    {
        if (Pdev.PmCap == 0)
        {
            return;
        }

        var pmcsr = Pdev.ReadConfig16(Pdev.PmCap + PciRegs.PmCtrl);
        _needsPmRestore = (pmcsr & PciRegs.PmCtrlNoSoftReset) == 0;
    }
}
