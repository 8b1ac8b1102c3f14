using System;

namespace VfioPm.Runtime.Power;

/// <summary>
/// Runtime PM callbacks built from delegates, the way a driver fills a <c>dev_pm_ops</c> with
/// <c>SET_RUNTIME_PM_OPS</c>. A <see langword="null"/> delegate is a missing callback.
/// </summary>
public sealed class RuntimePmOps : IRuntimePmCallbacks
{
    /// <summary><c>runtime_suspend</c>, or <see langword="null"/>.</summary>
    public Func<Device, int>? Suspend { get; init; }

    /// <summary><c>runtime_resume</c>, or <see langword="null"/>.</summary>
    public Func<Device, int>? Resume { get; init; }

    /// <summary><c>runtime_idle</c>, or <see langword="null"/>.</summary>
    public Func<Device, int>? Idle { get; init; }

    /// <inheritdoc/>
    public RuntimePmCallbackKinds Provides =>
        (Suspend is null ? 0 : RuntimePmCallbackKinds.Suspend)
        | (Resume is null ? 0 : RuntimePmCallbackKinds.Resume)
        | (Idle is null ? 0 : RuntimePmCallbackKinds.Idle);

    int IRuntimePmCallbacks.RuntimeSuspend(Device device) => Suspend?.Invoke(device) ?? 0;

    int IRuntimePmCallbacks.RuntimeResume(Device device) => Resume?.Invoke(device) ?? 0;

    int IRuntimePmCallbacks.RuntimeIdle(Device device) => Idle?.Invoke(device) ?? 0;
}
