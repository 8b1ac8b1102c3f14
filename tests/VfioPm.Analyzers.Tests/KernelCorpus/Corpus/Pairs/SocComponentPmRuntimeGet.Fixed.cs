// kind: fixed
// needs: contracts
// ports: sound/soc/soc-component.c snd_soc_pcm_component_pm_runtime_get() — after the revert: get_sync(), whose -EACCES
//        (runtime PM disabled, a valid nested use) keeps the count the mark then owns; other failures put_noidle
// fix: Revert "ASoC: soc-component: using pm_runtime_resume_and_get instead of pm_runtime_get_sync" (Peter Ujfalusi, 2022;
//      thesofproject/linux#3909; Fixes 08fc2a7448af)
// why: the reference of each component is owned by its stream mark (issue 12: ownership held by object state, per element);
//      issue 11 §1: -EACCES is a failure of resume_and_get but a counted success of get_sync
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
            int ret = component.Dev.Power.GetSync();
            if (ret < 0 && ret != -Errno.EACCES)
            {
                component.Dev.Power.PutNoIdle();
                return ret;
            }

            // mark stream if succeeded
            component.MarkPm = stream;
        }

        return 0;
    }
}
