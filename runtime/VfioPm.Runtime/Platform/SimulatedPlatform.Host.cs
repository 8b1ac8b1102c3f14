using System;
using System.Globalization;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Platform;

// What the host administrator and tools do through sysfs.
public sealed partial class SimulatedPlatform
{
    /// <summary>
    /// <c>lspci</c> reading config space through sysfs: the parent is resumed, the function is held without resuming and
    /// resumed only if it is in D3cold (config space answers in D3hot), then everything is put back.
    /// </summary>
    /// <returns>The byte count.</returns>
    /// <remarks>May sleep.</remarks>
    // models pci_read_config() from sysfs -> pci_config_pm_runtime_get()/put()
    public int HostConfigRead(PciDevice device, int offset, Span<byte> buffer)
    {
        Record(TimelineKind.Host, device.Name, string.Create(CultureInfo.InvariantCulture, $"lspci: config read @0x{offset:x2} ({device.CurrentState})"));
        var parent = device.Parent;
        parent?.Power.GetSync();
        device.Power.GetNoResume();
        device.Power.Barrier();
        if (device.CurrentState == PciPowerState.D3cold)
        {
            device.Power.Resume();
        }

        var n = device.ReadConfig(offset, buffer);
        device.Power.Put();
        parent?.Power.PutSync();
        return n;
    }

    /// <summary>Writes <c>power/control</c> ("on" forbids runtime PM, "auto" allows it).</summary>
    /// <returns>0 or <c>-EINVAL</c>.</returns>
    public int WritePowerControl(PciDevice device, string value)
    {
        Record(TimelineKind.Host, device.Name, $"echo {value} > power/control");
        return device.Power.WriteControl(value);
    }

    /// <summary>Writes <c>d3cold_allowed</c> (older kernels: honoured; bridges re-evaluate D3; the device is resumed so the choice applies next suspend).</summary>
    /// <remarks>May sleep.</remarks>
    // models d3cold_allowed_store() (pre-deprecation form)
    public void WriteD3ColdAllowed(PciDevice device, bool allowed)
    {
        Record(TimelineKind.Host, device.Name, $"echo {(allowed ? 1 : 0)} > d3cold_allowed");
        device.D3ColdAllowed = allowed;
        device.Power.Resume();
    }
}
