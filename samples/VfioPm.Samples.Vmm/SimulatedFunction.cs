using VfioPm.Runtime;
using VfioPm.Runtime.Power;

namespace VfioPm.Samples.Vmm;

/// <summary>
/// Runtime callbacks of a simulated PCI function or port: it records its power state and, for a port, refuses to
/// suspend while D3 is not allowed for bridges (what portdrv does with -EBUSY).
/// </summary>
internal sealed class SimulatedFunction : IRuntimePmCallbacks
{
    public string PowerState { get; private set; } = "D0";

    public bool BridgeD3Allowed { get; init; } = true;

    public bool IsPort { get; init; }

    public int RuntimeSuspend(Device device)
    {
        if (IsPort && !BridgeD3Allowed)
        {
            return -Errno.EBUSY;
        }

        PowerState = "D3hot";
        return 0;
    }

    public int RuntimeResume(Device device)
    {
        PowerState = "D0";
        return 0;
    }

    public int RuntimeIdle(Device device) => IsPort && !BridgeD3Allowed ? -Errno.EBUSY : 0;
}
