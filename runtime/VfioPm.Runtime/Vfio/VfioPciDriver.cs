using System.Threading;
using System.Runtime.CompilerServices;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Vfio;

/// <summary>The <c>vfio-pci</c> PCI driver: probe registers a <see cref="VfioPciCoreDevice"/>, remove unregisters it.</summary>
public sealed class VfioPciDriver : PciDriver
{
    private readonly ConditionalWeakTable<PciDevice, VfioPciCoreDevice> _devices = new();

    /// <summary>Creates the driver with its module options (latched into each device at probe).</summary>
    public VfioPciDriver(VfioPciOptions? options = null)
    {
        Options = options ?? new VfioPciOptions();
        PmOps = new VfioPciCorePmOps(GetDevice);
    }

    /// <summary>The module options.</summary>
    public VfioPciOptions Options { get; }

    /// <inheritdoc/>
    public override string Name => "vfio-pci";

    /// <inheritdoc/>
    public override IRuntimePmCallbacks? PmOps { get; }

    /// <summary>The core device bound to <paramref name="pdev"/>, or <see langword="null"/>.</summary>
    public VfioPciCoreDevice? GetDevice(PciDevice pdev) => _devices.TryGetValue(pdev, out var v) ? v : null;

    /// <inheritdoc/>
    // models vfio_pci_probe()
    [RequiresPmReference("device")]
    public override int Probe(PciDevice device)
    {
        // dev_set_drvdata() before registration: the PM ops find the core device through it.
        var vdev = new VfioPciCoreDevice(device, Options);
        _devices.AddOrUpdate(device, vdev);
        var ret = vdev.Register();
        if (ret != 0)
        {
            _devices.Remove(device);
        }

        return ret;
    }

    /// <inheritdoc/>
    [RequiresPmReference("device")]
    public override void Remove(PciDevice device) => Remove(device, CancellationToken.None);

    /// <summary>Unregisters the core device, which waits until its last open file is closed (see <see cref="VfioPciCoreDevice.Unregister"/>).</summary>
    // models vfio_pci_remove()
    [RequiresPmReference("device")]
    public override void Remove(PciDevice device, CancellationToken signal)
    {
        if (_devices.TryGetValue(device, out var vdev))
        {
            vdev.Unregister(signal);
            _devices.Remove(device);
        }
    }

    /// <inheritdoc/>
    // models vfio_pci_sriov_configure()
    public override int SriovConfigure(PciDevice device, int numVfs) =>
        GetDevice(device)?.SriovConfigure(numVfs) ?? -Errno.ENODEV;
}
