// kind: correct
// needs: engine
// ports: drivers/base/power/runtime.c rpm_resume() — the parent reference: get_noresume(parent) before resuming it,
//        pm_runtime_put(parent) at "out" when a parent was taken (irq_safe and the lock juggling left out)
namespace KernelCorpus.Cases;

public static class RpmResumeParentPort
{
    public static int RpmResume(Device dev, Func<Device, int> callback)
    {
        Device? parent = null;
        int retval = 0;

        if (dev.Power.Status == RpmStatus.Active)
        {
            retval = 1;
            goto out_label;
        }

        if (parent == null && dev.Parent != null)
        {
            // Increment the parent's usage counter and resume it if necessary.
            parent = dev.Parent;
            parent.Power.GetNoResume();
            if (parent.Power.IsEnabled && !IgnoresChildren(parent))
            {
                parent.Power.Resume();
                if (parent.Power.Status != RpmStatus.Active)
                    retval = -Errno.EBUSY;
            }

            if (retval != 0)
                goto out_label;
        }

        retval = callback(dev);

    out_label:
        if (parent != null)
            parent.Power.Put();

        return retval;
    }

    private static bool IgnoresChildren(Device dev) => false;
}
