using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Platform;

// Wraps a device's subsystem callbacks so the platform can make a runtime suspend or resume fail on demand.
internal sealed class FaultInjectingCallbacks : IRuntimePmCallbacks
{
    private readonly IRuntimePmCallbacks _inner;
    private readonly SimulatedPlatform _platform;

    public FaultInjectingCallbacks(IRuntimePmCallbacks inner, SimulatedPlatform platform)
    {
        _inner = inner;
        _platform = platform;
    }

    public RuntimePmCallbackKinds Provides => _inner.Provides;

    public int RuntimeSuspend(Device device) =>
        _platform.TakeCallbackFault(device, RuntimePmCallbackKinds.Suspend, out var error) ? error : _inner.RuntimeSuspend(device);

    public int RuntimeResume(Device device) =>
        _platform.TakeCallbackFault(device, RuntimePmCallbackKinds.Resume, out var error) ? error : _inner.RuntimeResume(device);

    public int RuntimeIdle(Device device) => _inner.RuntimeIdle(device);
}
