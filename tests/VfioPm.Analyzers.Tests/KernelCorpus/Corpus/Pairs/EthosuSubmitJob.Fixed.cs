// kind: fixed
// needs: engine
// ports: drivers/accel/ethosu ethosu_ioctl_submit_job() with its job clean-up — after the fix: a light clean-up for
//        failures before the job holds the PM reference, the full put only once it does
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
            goto out_cleanup_job;

        ret = Dev.Power.ResumeAndGet();
        if (ret < 0)
            goto out_cleanup_job;

        ret = PushJob(job);
        if (ret != 0)
            goto out_put_job;

        return 0;

    out_put_job:
        EthosuJobPut(job);
        return ret;

    out_cleanup_job:
        EthosuJobErrCleanup(job);
        return ret;
    }

    [ReleasesPmReference("Dev.Power")]
    protected abstract void EthosuJobPut(object job);

    // The clean-up of a job that never held the runtime-PM reference.
    protected abstract void EthosuJobErrCleanup(object job);

    protected abstract object? AllocJob(object args);

    protected abstract int LookupBos(object job, object args);

    [RequiresPmReference("Dev.Power")]
    protected abstract int PushJob(object job);
}
