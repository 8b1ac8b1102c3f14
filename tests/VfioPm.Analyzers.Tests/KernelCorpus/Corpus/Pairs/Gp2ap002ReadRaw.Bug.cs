// kind: bug
// needs: engine
// ports: drivers/iio/light/gp2ap002.c gp2ap002_read_raw() — before the fix: a failed lux read returns from inside the
//        nested switch, skipping the put at out
// fix: "iio: light: gp2ap002: fix runtime PM leak on read error" (Biren Pandya, 2026; char-misc-linus, Cc stable)
namespace KernelCorpus.Cases;

public abstract class Gp2ap002ReadRaw
{
    public const int IioChanInfoRaw = 0;
    public const int IioLight = 1;
    public const int IioValInt = 1;

    protected Gp2ap002ReadRaw(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int ReadRaw(int chanType, ref int val, long mask)
    {
        int ret;

        Dev.Power.GetSync();

        switch (mask)
        {
            case IioChanInfoRaw:
                switch (chanType)
                {
                    case IioLight:
                        ret = Gp2ap002GetLux();
                        if (ret < 0)
                            return ret; // <-- VPM0001
                        val = ret;
                        ret = IioValInt;
                        goto out_label;
                    default:
                        ret = -Errno.EINVAL;
                        goto out_label;
                }
            default:
                ret = -Errno.EINVAL;
                break;
        }

    out_label:
        Dev.Power.MarkLastBusy();
        Dev.Power.PutAutosuspend();

        return ret;
    }

    /// <summary>gp2ap002_get_lux(): iio_read_channel_processed() of the ALSOUT ADC, then the lux table; or -errno.</summary>
    protected abstract int Gp2ap002GetLux();
}
