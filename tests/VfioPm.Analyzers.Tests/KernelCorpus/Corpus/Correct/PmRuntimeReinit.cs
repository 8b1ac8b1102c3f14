// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c pm_runtime_reinit()
// why: clearing dev->power.irq_safe hands its parent reference back to the path (issue 12: ownership held by object
//      state), and only when the device has a parent
namespace KernelCorpus.Cases;

public static class PmRuntimeReinitPort
{
    public static void PmRuntimeReinit(IrqSafeDevicePort dev)
    {
        if (!dev.Dev.Power.IsEnabled)
        {
            if (dev.Dev.Power.Status == RpmStatus.Active)
                dev.Dev.Power.SetSuspended();
            if (dev.IrqSafe)
            {
                lock (dev.PowerLock)
                    dev.IrqSafe = false;
                if (dev.Parent != null)
                    dev.Parent.Power.Put();
            }
        }

        // Clear power.needs_force_resume in case it has been set by pm_runtime_force_suspend() invoked from a driver
        // remove callback.
        dev.NeedsForceResume = false;
    }
}
