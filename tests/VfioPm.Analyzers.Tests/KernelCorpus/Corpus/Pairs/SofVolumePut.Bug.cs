// kind: bug
// needs: engine
// ports: sound/soc/sof/control.c snd_sof_volume_put() — before the fix
// fix: "ASoC: SOF: PM: decrement dev usage count if pm_runtime_get_sync() fails" (Ranjani Sridharan, 2019; thesofproject/linux#730)
namespace KernelCorpus.Cases;

public abstract class SofVolumePut
{
    protected SofVolumePut(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int SndSofVolumePut(int[] values, int channels)
    {
        int ret, err;
        bool change = false;

        ret = Dev.Power.GetSync(); // <-- VPM0003
        if (ret < 0)
        {
            // dev_err_ratelimited(sdev->dev, "error: volume put failed to resume %d\n", ret);
            return ret;
        }

        // Update each channel.
        for (var i = 0; i < channels; i++)
        {
            if (UpdateChannel(i, values[i]))
                change = true;
        }

        // Notify the DSP.
        SndSofIpcSetGetCompData(values, channels);

        Dev.Power.MarkLastBusy();
        err = Dev.Power.PutAutosuspend();
        if (err < 0)
        {
            // dev_err_ratelimited(sdev->dev, "error: volume put failed to idle %d\n", err);
        }

        return change ? 1 : 0;
    }

    protected abstract bool UpdateChannel(int channel, int value);

    [RequiresPmReference("Dev.Power")]
    protected abstract int SndSofIpcSetGetCompData(int[] values, int channels);
}
