using System.Collections.Generic;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Platform;

// Platform power control of slots (ACPI _PR3 _OFF/_ON) and its fault injection.
public sealed partial class SimulatedPlatform
{
    private readonly Dictionary<PciDevice, int> _powerOffFaults = new();
    private readonly Dictionary<PciDevice, int> _powerOnFaults = new();

    /// <summary>Makes the next <paramref name="times"/> power-off requests for <paramref name="device"/> fail with <paramref name="error"/> (the device then stays in D3hot).</summary>
    public void FailPowerOff(PciDevice device, int times = 1, int error = -Errno.EIO)
    {
        lock (_powerOffFaults)
        {
            _powerOffFaults[device] = times;
            _faultErrors[device] = error;
        }
    }

    /// <summary>
    /// Makes the next <paramref name="times"/> power-on requests for <paramref name="device"/> fail. As in the kernel
    /// (<c>pci_pm_default_resume_early()</c> returns nothing) the runtime resume still reports success while the function
    /// stays powered off — a hazard the model shows as fatal accesses. For a resume that fails, use <see cref="FailRuntimeCallback"/>.
    /// </summary>
    public void FailPowerOn(PciDevice device, int times = 1)
    {
        lock (_powerOffFaults)
        {
            _powerOnFaults[device] = times;
        }
    }

    private readonly Dictionary<PciDevice, int> _faultErrors = new();
    private readonly Dictionary<(Device, RuntimePmCallbackKinds), (int Times, int Error)> _callbackFaults = new();

    /// <summary>
    /// Makes the next <paramref name="times"/> runtime suspend or resume callbacks of <paramref name="device"/> (the bus
    /// callback, before any driver code) return <paramref name="error"/>. A failed resume is latched by the PM core as
    /// the device's runtime error; a suspend -EBUSY/-EAGAIN is transient.
    /// </summary>
    public void FailRuntimeCallback(PciDevice device, RuntimePmCallbackKinds kind, int error = -Errno.EIO, int times = 1)
    {
        lock (_callbackFaults)
        {
            _callbackFaults[(device, kind)] = (times, error);
        }
    }

    internal bool TakeCallbackFault(Device device, RuntimePmCallbackKinds kind, out int error)
    {
        lock (_callbackFaults)
        {
            if (_callbackFaults.TryGetValue((device, kind), out var fault) && fault.Times > 0)
            {
                _callbackFaults[(device, kind)] = (fault.Times - 1, fault.Error);
                error = fault.Error;
                Record(TimelineKind.Fault, device.Name, $"runtime {kind.ToString().ToLowerInvariant()} callback fails with {Errno.Describe(error)}");
                return true;
            }
        }

        error = 0;
        return false;
    }

    /// <inheritdoc/>
    public bool CanPowerOff(PciDevice device) => device.Spec.PlatformD3Cold;

    /// <inheritdoc/>
    // models acpi_pci_set_power_state(D3cold) -> _PR3 _OFF
    public int PowerOff(PciDevice device)
    {
        if (TakeFault(_powerOffFaults, device))
        {
            int error;
            lock (_powerOffFaults)
            {
                error = _faultErrors.GetValueOrDefault(device, -Errno.EIO);
            }

            Record(TimelineKind.Fault, device.Name, $"platform power-off failed ({Errno.Describe(error)}); stays in D3hot");
            return error;
        }

        Record(TimelineKind.PlatformPower, device.Name, "_OFF: power removed");
        return 0;
    }

    /// <inheritdoc/>
    // models acpi_pci_set_power_state(D0) -> _PR3 _ON
    public int PowerOn(PciDevice device)
    {
        if (TakeFault(_powerOnFaults, device))
        {
            Record(TimelineKind.Fault, device.Name, "platform power-on failed");
            return -Errno.EIO;
        }

        Record(TimelineKind.PlatformPower, device.Name, "_ON: power restored");
        return 0;
    }

    private bool TakeFault(Dictionary<PciDevice, int> faults, PciDevice device)
    {
        lock (_powerOffFaults)
        {
            if (!faults.TryGetValue(device, out var left) || left <= 0)
            {
                return false;
            }

            faults[device] = left - 1;
            return true;
        }
    }
}
