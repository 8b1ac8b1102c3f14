// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c pm_runtime_allow() — power/control "auto": drops the reference forbid took
// why: puts the reference owned by !runtime_auto (issue 12: ownership held by a flag)
namespace KernelCorpus.Cases;

public static class PmRuntimeAllowPort
{
    public static void PmRuntimeAllow(ConsumerPort dev)
    {
        lock (dev)
        {
            if (dev.RuntimeAuto)
                return;

            dev.RuntimeAuto = true;
            // rpm_drop_usage_count() == 0 → rpm_idle(dev, RPM_AUTO | RPM_ASYNC)
            dev.Dev.Power.Put();
        }
    }
}
