using System.Runtime.CompilerServices;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Samples.VariantDriver;

/// <summary>
/// The PCI driver "acme-vfio-pci": probe creates an <see cref="AcmeVariantDevice"/> and lets the idle function
/// runtime-suspend (as vfio-pci's registration does), remove takes the reference back and forbids runtime PM.
/// </summary>
public sealed class AcmeVariantPciDriver : PciDriver
{
    private readonly ConditionalWeakTable<PciDevice, AcmeVariantDevice> _devices = new();

    /// <inheritdoc/>
    public override string Name => "acme-vfio-pci";

    /// <summary>Runtime suspends and resumes the driver's callbacks have seen (the PCI bus callbacks do the D-state work).</summary>
    public int Suspends { get; private set; }

    /// <inheritdoc cref="Suspends"/>
    public int Resumes { get; private set; }

    /// <summary>Creates the driver.</summary>
    public AcmeVariantPciDriver() =>
        PmOps = new RuntimePmOps
        {
            // Called in D0 before the bus moves the function down: keep what D3cold would lose.
            Suspend = [RuntimePmCallback] (d) =>
            {
                Suspends++;
                GetDevice((PciDevice)d)?.SaveDeviceState();
                return 0;
            },
            // Called after the bus brought the function back to D0 and restored its config space.
            Resume = [RuntimePmCallback] (d) =>
            {
                Resumes++;
                GetDevice((PciDevice)d)?.RestoreDeviceState();
                return 0;
            },
        };

    /// <inheritdoc/>
    public override IRuntimePmCallbacks? PmOps { get; }

    /// <summary>The device file bound to <paramref name="pdev"/>, or <see langword="null"/>.</summary>
    public AcmeVariantDevice? GetDevice(PciDevice pdev) => _devices.TryGetValue(pdev, out var d) ? d : null;

    /// <inheritdoc/>
    // Probe runs with the reference local_pci_probe() took; dropping it (and the PCI core's forbid) lets the unused
    // device idle, as vfio_pci_core_register_device() does. The device's constructor touches the hardware first, under
    // that reference.
    [RequiresPmReference("device")]
    [ReleasesPmReference("device")]
    public override int Probe(PciDevice device)
    {
        _devices.AddOrUpdate(device, new AcmeVariantDevice(device));
        device.Power.Allow();
        device.Power.Put();
        return 0;
    }

    /// <inheritdoc/>
    // The PCI core calls remove only for the driver whose probe succeeded: take back the reference probe handed to
    // runtime PM, for the PCI core to drop after remove.
    [RequiresPmReference("device")]
    [AcquiresPmReference("device")]
    public override void Remove(PciDevice device)
    {
        device.Power.GetNoResume();
        device.Power.Forbid();
        _devices.Remove(device);
    }
}
