// kind: fixed
// needs: engine
// ports: sound/soc/sof/control.c snd_sof_bytes_ext_get() — after the fix
// fix: "ASoC: SOF: control: fix a PM put missing at error" (Keyon Jie, 2019; thesofproject/linux#769)
namespace KernelCorpus.Cases;

public sealed class SofBytesExtGet
{
    public SofBytesExtGet(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int SndSofBytesExtGet(Span<byte> binaryData, int size, int dataSize)
    {
        int ret, err;

        ret = Dev.Power.GetSync();
        if (ret < 0)
        {
            // dev_err_ratelimited(sdev->dev, "error: bytes_ext get failed to resume %d\n", ret);
            Dev.Power.PutNoIdle();
            return ret;
        }

        // Check data size doesn't exceed max coming from topology.
        if (dataSize > size)
        {
            ret = -Errno.EINVAL;
            goto out_label;
        }

        if (Sys.CopyUser(binaryData, dataSize) != 0)
        {
            ret = -Errno.EFAULT;
            goto out_label;
        }

        ret = 0;
    out_label:
        Dev.Power.MarkLastBusy();
        err = Dev.Power.PutAutosuspend();
        if (err < 0)
        {
            // dev_err_ratelimited(sdev->dev, "error: bytes_ext get failed to idle %d\n", err);
        }

        return ret;
    }
}
