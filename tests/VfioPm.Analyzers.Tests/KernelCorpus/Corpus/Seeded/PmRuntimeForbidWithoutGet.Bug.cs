// kind: bug
// needs: contracts
// ports: drivers/base/power/runtime.c pm_runtime_forbid() — seeded variant: runtime_auto cleared without
//        rpm_resume()'s usage reference, so pm_runtime_allow() later puts a reference nobody took
// fix: none — a seeded variant of Correct/PmRuntimeForbid (issue 12 evidence: "a flag set without the count change")
// why: dev.RuntimeAuto is [ForgoesPmReference(nameof(Dev))] (see the prelude): clearing it hands the device a reference
//      the path must have taken (VPM0002 at the write)
namespace KernelCorpus.Cases;

public static class PmRuntimeForbidWithoutGet
{
    public static void PmRuntimeForbid(ConsumerPort dev)
    {
        lock (dev)
        {
            if (!dev.RuntimeAuto)
                return;

            dev.RuntimeAuto = false; // <-- VPM0002
            dev.Dev.Power.Resume();
        }
    }
}
