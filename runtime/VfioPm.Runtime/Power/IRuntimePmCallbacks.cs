namespace VfioPm.Runtime.Power;

/// <summary>
/// The runtime half of <c>struct dev_pm_ops</c>. The PM core calls these with the device's power lock dropped;
/// at most one of suspend/resume runs at a time for a device (idle may overlap them).
/// </summary>
/// <remarks>
/// Results: 0 for success. From suspend, <c>-EAGAIN</c>/<c>-EBUSY</c> mean "not now" (the device stays active and
/// usable); any other error, and any resume error, is latched as the device's fatal <c>RuntimeError</c>.
/// From idle, 0 lets the core go on to suspend and anything else stops it.
/// A callback that throws is treated as if it returned <c>-EIO</c>.
/// </remarks>
public interface IRuntimePmCallbacks
{
    /// <summary><c>runtime_suspend</c>: put the device into a low-power state.</summary>
    int RuntimeSuspend(Device device);

    /// <summary><c>runtime_resume</c>: bring the device back to full power.</summary>
    int RuntimeResume(Device device);

    /// <summary><c>runtime_idle</c>: the device looks idle; return 0 to let the core suspend it.</summary>
    int RuntimeIdle(Device device);

    /// <summary>The callbacks actually implemented; a missing one is looked up at the next level (driver) or treated as absent.</summary>
    RuntimePmCallbackKinds Provides => RuntimePmCallbackKinds.All;
}
