using System.Threading;
using VfioPm.Annotations;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Pci;

/// <summary>A PCI driver (<c>struct pci_driver</c>): probe/remove, optional runtime PM ops, optional SR-IOV configure.</summary>
public abstract class PciDriver
{
    /// <summary>The driver name ("vfio-pci", "pcieport").</summary>
    public abstract string Name { get; }

    /// <summary>Binds to <paramref name="device"/>; 0 or an error. Called with a runtime-PM reference held by the PCI core.</summary>
    [RequiresPmReference("device")]
    public abstract int Probe(PciDevice device);

    /// <summary>Unbinds from <paramref name="device"/>. Called with a runtime-PM reference held by the PCI core.</summary>
    [RequiresPmReference("device")]
    public abstract void Remove(PciDevice device);

    /// <summary>
    /// Unbinds from <paramref name="device"/> on behalf of a task that may be signalled (<paramref name="signal"/>);
    /// a driver whose remove waits for its users (vfio-pci) observes it. By default the signal is ignored.
    /// </summary>
    [RequiresPmReference("device")]
    public virtual void Remove(PciDevice device, CancellationToken signal) => Remove(device);

    /// <summary><c>sriov_configure</c>: enable <paramref name="numVfs"/> VFs (0 disables). Returns the count enabled, 0, or an error.</summary>
    public virtual int SriovConfigure(PciDevice device, int numVfs) => -Errno.ENOSYS;

    /// <summary>The driver's runtime PM ops when it is bound (<c>dev-&gt;driver-&gt;pm</c>): installed by <see cref="PciDevice.Bind"/> before probe and removed after remove. A driver's callbacks find their per-function state themselves.</summary>
    public virtual IRuntimePmCallbacks? PmOps => null;
}
