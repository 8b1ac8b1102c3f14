using System;

namespace VfioPm.Runtime.Pci;

/// <summary>
/// An access the hardware would not survive cleanly: config space of an unpowered or unreachable function, or a BAR
/// outside D0. On real systems it reads all-ones or hangs the machine; the model records it so tests can assert none.
/// </summary>
/// <param name="Time">When, on the environment's clock.</param>
/// <param name="Device">The function accessed.</param>
/// <param name="What">"config read @0x06", "BAR0 write @0x10"...</param>
/// <param name="State">The function's power state at the time.</param>
public sealed record PciFatalAccess(TimeSpan Time, PciDevice Device, string What, PciPowerState State)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Time.TotalMilliseconds:0.0} ms {Device.Name}: {What} in {State}";
}
