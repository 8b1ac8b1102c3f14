// kind: correct
// needs: engine
// ports: include/linux/pm_runtime.h pm_runtime_resume_and_get() — __pm_runtime_resume(dev, RPM_GET_PUT) is
//        pm_runtime_get_sync(); the result is stored, tested, and the success return is 0, not the resume's 1
namespace KernelCorpus.Cases;

public static class PmRuntimeResumeAndGetPort
{
    // Holds one reference exactly when it returns 0.
    [AcquiresPmReference(OnSuccess = true, SuccessWhen = PmReferenceSuccess.Zero)]
    public static int PmRuntimeResumeAndGet(Device dev)
    {
        int ret;

        ret = dev.Power.GetSync();
        if (ret < 0)
        {
            dev.Power.PutNoIdle();
            return ret;
        }

        return 0;
    }
}
