// kind: bug
// needs: contracts
// ports: sound/soc/soc-component.c snd_soc_pcm_component_pm_runtime_get() — as 08fc2a7448af left it: resume_and_get()
//        with -EACCES treated as success, so a component is marked as holding a reference it does not hold (the later
//        put underflows: "Runtime PM usage count underflow!")
// fix: Revert "ASoC: soc-component: using pm_runtime_resume_and_get instead of pm_runtime_get_sync" (Peter Ujfalusi, 2022;
//      thesofproject/linux#3909; Fixes 08fc2a7448af)
// why: the reference of each component is owned by its stream mark (issue 12: ownership held by object state, per element);
//      issue 11 §1: -EACCES is a failure of resume_and_get but a counted success of get_sync. The mark hands over a
//      reference the path does not hold: the usage-count underflow the kernel reports at the mark's later put, VPM0002
//      at the mark (the id the contracts work settled for a hand-over nothing paid for; provisionally VPM0011)
namespace KernelCorpus.Cases;

public sealed class SocComponent
{
    public SocComponent(Device dev) => Dev = dev;

    public Device Dev { get; }

    /// <summary>The stream whose runtime-PM reference this component holds (soc_component_mark_push(.., pm)).</summary>
    [OwnsPmReference(nameof(Dev))]
    public object? MarkPm;
}

public static class SocComponentPmRuntimeGet
{
    public static int SndSocPcmComponentPmRuntimeGet(List<SocComponent> components, object stream)
    {
        foreach (var component in components)
        {
            int ret = component.Dev.Power.ResumeAndGet();
            if (ret < 0 && ret != -Errno.EACCES)
                return ret;

            // mark stream if succeeded
            component.MarkPm = stream; // <-- VPM0002
        }

        return 0;
    }
}
