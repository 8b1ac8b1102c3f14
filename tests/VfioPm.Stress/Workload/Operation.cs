using System.Globalization;

namespace VfioPm.Stress.Workload;

/// <summary>
/// One workload step, fully decided by the generator: the kind, a target (a vfio device, or a PCI function for host
/// actions), a file slot, and a variant argument. Executing it reads the machine's current state, so the same
/// operation may find its slot closed and do nothing; replaying a sequence single-threaded is deterministic.
/// </summary>
/// <param name="Kind">What to do.</param>
/// <param name="Target">Index of the vfio device (or of the PCI function for host actions).</param>
/// <param name="Slot">Index of the file slot of that device.</param>
/// <param name="Arg">Variant: which malformed buffer, which BAR and offset, on/off, how many VFs, pause ticks...</param>
public readonly record struct Operation(OpKind Kind, int Target, int Slot, int Arg)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind}(target {Target}, slot {Slot}, arg {Arg})");
}
