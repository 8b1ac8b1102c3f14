// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c pm_runtime_forbid() — power/control "on": one usage reference owned by !runtime_auto
// why: the reference is held by the object while runtime_auto is false (issue 12: ownership held by a flag)
namespace KernelCorpus.Cases;

public static class PmRuntimeForbidPort
{
    public static void PmRuntimeForbid(ConsumerPort dev)
    {
        lock (dev)
        {
            if (!dev.RuntimeAuto)
                return;

            dev.RuntimeAuto = false;
            dev.Dev.Power.GetNoResume();
            dev.Dev.Power.Resume();
        }
    }
}
