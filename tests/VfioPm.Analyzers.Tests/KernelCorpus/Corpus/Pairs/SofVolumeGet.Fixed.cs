// kind: fixed
// needs: engine
// ports: sound/soc/sof/control.c snd_sof_volume_get() — after the fix
// fix: "ASoC: SOF: PM: decrement dev usage count if pm_runtime_get_sync() fails" (Ranjani Sridharan, 2019; thesofproject/linux#730)
namespace KernelCorpus.Cases;

public abstract class SofVolumeGet
{
    protected SofVolumeGet(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int SndSofVolumeGet(int[] values, int channels)
    {
        int ret, err;

        ret = Dev.Power.GetSync();
        if (ret < 0)
        {
            // dev_err_ratelimited(sdev->dev, "error: volume get failed to resume %d\n", ret);
            Dev.Power.PutNoIdle();
            return ret;
        }

        // Read back each channel.
        ret = SndSofIpcSetGetCompData(values, channels);

        Dev.Power.MarkLastBusy();
        err = Dev.Power.PutAutosuspend();
        if (err < 0)
        {
            // dev_err_ratelimited(sdev->dev, "error: volume get failed to idle %d\n", err);
        }

        return ret;
    }

    // snd_sof_ipc_set_get_comp_data(): talks to the DSP, which needs the reference held here.
    [RequiresPmReference("Dev.Power")]
    protected abstract int SndSofIpcSetGetCompData(int[] values, int channels);
}
