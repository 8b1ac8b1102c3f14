using System.Linq;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Stress.Machine;

/// <summary>A vfio-pci device of the machine with its users' file slots and armed wake-up eventfds.</summary>
public sealed class StressDevice
{
    internal StressDevice(int index, PciDevice pdev, VfioPciCoreDevice vdev, WakeEventFds wakeFds)
    {
        Index = index;
        Pdev = pdev;
        Vdev = vdev;
        WakeFds = wakeFds;
        Slots = Enumerable.Range(0, StressMachine.SlotsPerDevice).Select(_ => new FileSlot()).ToArray();
    }

    /// <summary>Position in <see cref="StressMachine.Devices"/>.</summary>
    public int Index { get; }

    /// <summary>The PCI function.</summary>
    public PciDevice Pdev { get; }

    /// <summary>The vfio-pci core device.</summary>
    public VfioPciCoreDevice Vdev { get; }

    /// <summary>Slots for open files.</summary>
    public FileSlot[] Slots { get; }

    /// <summary>Wake-up eventfds armed on this device.</summary>
    public WakeEventFds WakeFds { get; }

    /// <inheritdoc/>
    public override string ToString() => Pdev.Name;
}
