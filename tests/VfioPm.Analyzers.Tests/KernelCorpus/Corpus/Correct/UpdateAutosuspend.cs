// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c update_autosuspend() — atomic_inc/atomic_dec of power.usage_count written as
//        GetNoResume()/PutNoIdle()
// why: a negative autosuspend delay with use_autosuspend set holds one usage reference for as long as both hold; the
//      owner is a predicate over two members (use_autosuspend && autosuspend_delay < 0) whose previous values arrive as
//      parameters, which no contract form states (issue 12: ownership held by object state). The hci_intel, hci_bcm
//      and btmtksdio "usage_count leak when autosuspend_delay is negative" fixes are this reference, never dropped.
namespace KernelCorpus.Cases;

/// <summary>The autosuspend fields of dev_pm_info, written under power.lock by the callers.</summary>
public sealed class AutosuspendDevicePort
{
    public AutosuspendDevicePort(Device dev) => Dev = dev;

    public Device Dev { get; }

    /// <summary>power.use_autosuspend.</summary>
    public bool UseAutosuspend;

    /// <summary>power.autosuspend_delay (ms); negative blocks runtime suspend.</summary>
    public int AutosuspendDelay;
}

public static class UpdateAutosuspendPort
{
    public static void UpdateAutosuspend(AutosuspendDevicePort dev, int oldDelay, bool oldUse)
    {
        int delay = dev.AutosuspendDelay;

        // Should runtime suspend be prevented now?
        if (dev.UseAutosuspend && delay < 0)
        {
            // If it used to be allowed then prevent it.
            if (!oldUse || oldDelay >= 0)
            {
                dev.Dev.Power.GetNoResume();
                dev.Dev.Power.Resume();
            }
            else
            {
                // trace_rpm_usage(dev, 0);
            }
        }

        // Runtime suspend should be allowed now.
        else
        {
            // If it used to be prevented then allow it.
            if (oldUse && oldDelay < 0)
                dev.Dev.Power.PutNoIdle();

            // Maybe we can autosuspend now.
            dev.Dev.Power.Idle();
        }
    }
}
