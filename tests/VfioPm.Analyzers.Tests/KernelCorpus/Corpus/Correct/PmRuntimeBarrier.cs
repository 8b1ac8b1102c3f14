// kind: correct
// needs: engine
// ports: drivers/base/power/runtime.c pm_runtime_barrier() — a usage reference held across flushing pending requests, so
//        no suspend or idle notification can start meanwhile
namespace KernelCorpus.Cases;

public abstract class PmRuntimeBarrierPort
{
    public int PmRuntimeBarrier(Device dev)
    {
        int retval = 0;

        dev.Power.GetNoResume();
        lock (dev)
        {
            if (RequestPending(dev) && PendingRequestIsResume(dev))
            {
                dev.Power.Resume();
                retval = 1;
            }

            // __pm_runtime_barrier(): cancel the timer and pending requests, wait for callbacks in progress.
            FlushPending(dev);
        }
        dev.Power.PutNoIdle();

        return retval;
    }

    protected abstract bool RequestPending(Device dev);

    protected abstract bool PendingRequestIsResume(Device dev);

    protected abstract void FlushPending(Device dev);
}
