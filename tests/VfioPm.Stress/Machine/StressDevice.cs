using System.Linq;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Stress.Machine;

/// <summary>A vfio-pci device of the machine with its users' file slots and armed wake-up eventfds.</summary>
public sealed class StressDevice
{
    private VfioPciCoreDevice _vdev;

    internal StressDevice(int index, PciDevice pdev, VfioPciDriver driver, VfioPciCoreDevice vdev, WakeEventFds wakeFds)
    {
        Index = index;
        Pdev = pdev;
        Driver = driver;
        _vdev = vdev;
        WakeFds = wakeFds;
        Slots = Enumerable.Range(0, StressMachine.SlotsPerDevice).Select(_ => new FileSlot()).ToArray();
    }

    /// <summary>Position in <see cref="StressMachine.Devices"/>.</summary>
    public int Index { get; }

    /// <summary>The PCI function.</summary>
    public PciDevice Pdev { get; }

    /// <summary>The vfio-pci driver the function is bound to (one with <c>disable_idle_d3</c> for some devices).</summary>
    public VfioPciDriver Driver { get; }

    /// <summary>The vfio-pci core device of the current binding (a rebind makes a new one).</summary>
    public VfioPciCoreDevice Vdev => Volatile.Read(ref _vdev);

    /// <summary>Whether this device was bound with <c>disable_idle_d3</c>.</summary>
    public bool DisableIdleD3 => Driver.Options.DisableIdleD3;

    /// <summary>Serializes unbind/rebind of this device.</summary>
    public object RebindGate { get; } = new();

    /// <summary>Slots for open files.</summary>
    public FileSlot[] Slots { get; }

    /// <summary>Wake-up eventfds armed on this device.</summary>
    public WakeEventFds WakeFds { get; }

    /// <summary>Publishes the core device of a new binding.</summary>
    internal void Rebound(VfioPciCoreDevice vdev) => Volatile.Write(ref _vdev, vdev);

    /// <inheritdoc/>
    public override string ToString() => Pdev.Name;
}
