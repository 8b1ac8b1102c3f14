using System.Collections.Generic;
using VfioPm.Runtime.Pci;

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

    /// <summary>Makes the next <paramref name="times"/> power-on requests for <paramref name="device"/> fail (its runtime resume then fails).</summary>
    public void FailPowerOn(PciDevice device, int times = 1)
    {
        lock (_powerOffFaults)
        {
            _powerOnFaults[device] = times;
        }
    }

    private readonly Dictionary<PciDevice, int> _faultErrors = new();

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
