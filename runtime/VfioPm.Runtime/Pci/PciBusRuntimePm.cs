using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Pci;

/// <summary>
/// The PCI bus runtime callbacks (<c>pci_pm_runtime_idle/suspend/resume</c>): they save state, run the bound driver's
/// callbacks, and choose the low-power state themselves, so a driver's ops only do driver work.
/// </summary>
public sealed class PciBusRuntimePm : IRuntimePmCallbacks
{
    /// <summary>The one instance (the bus type's <c>dev_pm_ops</c>).</summary>
    public static PciBusRuntimePm Instance { get; } = new();

    private PciBusRuntimePm()
    {
    }

    /// <summary>Unbound → 0; bound without PM ops → <c>-ENOSYS</c> (never suspended: why vfio-pci installs ops); else the driver's idle, or 0.</summary>
    /// <remarks>Called by the PM core without the power lock.</remarks>
    // models pci_pm_runtime_idle()
    public int RuntimeIdle(Device device)
    {
        var pdev = (PciDevice)device;
        if (pdev.BoundDriver is null)
        {
            return 0;
        }

        var ops = device.Driver;
        if (ops is null)
        {
            return -Errno.ENOSYS;
        }

        return (ops.Provides & RuntimePmCallbackKinds.Idle) != 0 ? ops.RuntimeIdle(device) : 0;
    }

    /// <summary>Unbound → save state and stay in D0; else the driver's suspend (its -EBUSY/-EAGAIN returned for a retry), then save state and go to the target state.</summary>
    /// <remarks>Called by the PM core without the power lock, status Suspending.</remarks>
    // models pci_pm_runtime_suspend()
    public int RuntimeSuspend(Device device)
    {
        var pdev = (PciDevice)device;
        if (!pdev.IsAdded)
        {
            return -Errno.EBUSY;
        }

        if (pdev.BoundDriver is null)
        {
            pdev.SaveState();
            return 0;
        }

        pdev.ForgetSavedState();
        var ops = device.Driver;
        var hasSuspend = ops is not null && (ops.Provides & RuntimePmCallbackKinds.Suspend) != 0;
        if (hasSuspend)
        {
            var error = ops!.RuntimeSuspend(device);
            if (error != 0)
            {
                return error;
            }
        }

        // The driver moved the device out of D0 itself and saved nothing: it did everything.
        if (hasSuspend && !pdev.StateSaved && pdev.CurrentState is not PciPowerState.D0 and not PciPowerState.Unknown)
        {
            return 0;
        }

        if (!pdev.StateSaved)
        {
            pdev.SaveState();
            pdev.FinishRuntimeSuspend();
        }

        return 0;
    }

    /// <summary>Power up and restore (even unbound), bridge power-up actions after D3cold, then the driver's resume.</summary>
    /// <remarks>Called by the PM core without the power lock, status Resuming.</remarks>
    // models pci_pm_runtime_resume()
    public int RuntimeResume(Device device)
    {
        var pdev = (PciDevice)device;
        var previous = pdev.CurrentState;
        pdev.DefaultResumeEarly();
        if (pdev.BoundDriver is null)
        {
            return 0;
        }

        if (previous == PciPowerState.D3cold && pdev.IsBridge)
        {
            pdev.BridgePowerUpActions();
        }

        var ops = device.Driver;
        return ops is not null && (ops.Provides & RuntimePmCallbackKinds.Resume) != 0 ? ops.RuntimeResume(device) : 0;
    }
}
