// kind: bug
// needs: engine
// ports: drivers/accel/ethosu ethosu_ioctl_submit_job() with its job clean-up — before the fix
// fix: "accel: ethosu: Fix job submit error clean-up refcount underflows" (2026; per lexplain.net's commit analysis)
namespace KernelCorpus.Cases;

public abstract class EthosuSubmitJob
{
    protected EthosuSubmitJob(Device dev) => Dev = dev;

    public Device Dev { get; }

    // A queued job keeps the reference until its completion calls ethosu_job_put().
    [AcquiresPmReference("Dev.Power", OnSuccess = true)]
    public int SubmitJob(object args)
    {
        object? job;
        int ret;

        job = AllocJob(args);
        if (job == null)
            return -Errno.ENOMEM;

        ret = LookupBos(job, args);
        if (ret != 0)
            goto out_put_job;

        ret = Dev.Power.ResumeAndGet();
        if (ret < 0)
            goto out_put_job;

        ret = PushJob(job);
        if (ret != 0)
            goto out_put_job;

        return 0;

    out_put_job:
        EthosuJobPut(job); // <-- VPM0002
        return ret;
    }

    // ethosu_job_put() → ethosu_job_cleanup(): frees the job and drops the runtime-PM reference a queued job holds.
    [ReleasesPmReference("Dev.Power")]
    protected abstract void EthosuJobPut(object job);

    protected abstract object? AllocJob(object args);

    protected abstract int LookupBos(object job, object args);

    // Queues the job; from here the scheduler's completion path releases it with ethosu_job_put().
    [RequiresPmReference("Dev.Power")]
    protected abstract int PushJob(object job);
}
