// kind: bug
// needs: engine
// ports: drivers/iio/adc/ad4630.c ad4630_buffer_preenable() — before the fix (Analog Devices tree)
// fix: "iio: adc: ad4630: fix pm runtime unbalanced refcounts" (Nuno Sá, 2023; analogdevicesinc/linux#2222; Fixes 04ff9ea893f9)
namespace KernelCorpus.Cases;

public abstract class Ad4630BufferPreenable
{
    protected Ad4630BufferPreenable(Device dev) => Dev = dev;

    public Device Dev { get; }

    // Keeps the reference while the buffer is enabled: ad4630_buffer_postdisable() puts it.
    [AcquiresPmReference("Dev.Power", OnSuccess = true)]
    public int BufferPreenable()
    {
        int ret;

        ret = Dev.Power.GetSync(); // <-- VPM0003
        if (ret < 0)
            return ret;

        ret = EnterConversionMode();
        if (ret != 0)
            goto out_error;

        ret = SpiOffloadEnable();
        if (ret != 0)
            goto out_error;

        return 0;

    out_error:
        Dev.Power.MarkLastBusy();
        Dev.Power.PutAutosuspend();
        return ret;
    }

    [RequiresPmReference("Dev.Power")]
    protected abstract int EnterConversionMode();

    [RequiresPmReference("Dev.Power")]
    protected abstract int SpiOffloadEnable();
}
