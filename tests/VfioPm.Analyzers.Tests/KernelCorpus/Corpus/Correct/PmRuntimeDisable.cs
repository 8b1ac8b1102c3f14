// kind: correct
// needs: engine
// ports: drivers/base/power/runtime.c __pm_runtime_disable() — a pending resume request is carried out first, bracketed
//        by get_noresume/put_noidle so no suspend or idle notification follows it
namespace KernelCorpus.Cases;

public abstract class PmRuntimeDisablePort
{
    public void PmRuntimeDisable(Device dev, bool checkResume)
    {
        lock (dev)
        {
            if (DisableDepth(dev) > 0)
            {
                IncrementDisableDepth(dev);
                return;
            }

            // A pending resume request means there probably is I/O to process: wake the device first.
            if (checkResume && RequestPending(dev) && PendingRequestIsResume(dev))
            {
                // Prevent suspends and idle notifications from being carried out after the device is woken up.
                dev.Power.GetNoResume();

                dev.Power.Resume();

                dev.Power.PutNoIdle();
            }

            // Update time accounting before disabling PM-runtime.
            IncrementDisableDepth(dev);
            FlushPending(dev);
        }
    }

    protected abstract int DisableDepth(Device dev);

    protected abstract void IncrementDisableDepth(Device dev);

    protected abstract bool RequestPending(Device dev);

    protected abstract bool PendingRequestIsResume(Device dev);

    protected abstract void FlushPending(Device dev);
}
