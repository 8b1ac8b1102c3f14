// kind: fixed
// needs: engine
// ports: drivers/iio/proximity/pulsedlight-lidar-lite-v2.c lidar_get_measurement() — after the fix: the failed start
//        command drops pm_runtime_get_sync()'s reference with pm_runtime_put_noidle()
// fix: "iio: proximity: pulsedlight: Fix rumtime PM imbalance on error" (Dinghao Liu, 2021; before-version read from
//      torvalds/linux)
namespace KernelCorpus.Cases;

public abstract class PulsedlightGetMeasurement
{
    public const int LidarRegControl = 0x00;
    public const int LidarRegControlAcquire = 0x04;
    public const int LidarRegStatus = 0x01;
    public const int LidarRegStatusInvalid = 0x08;
    public const int LidarRegStatusReady = 0x01;

    protected PulsedlightGetMeasurement(Device client) => Client = client;

    /// <summary>&amp;client->dev.</summary>
    public Device Client { get; }

    public int LidarGetMeasurement(ref ushort reg)
    {
        int tries = 10;
        int ret;

        Client.Power.GetSync();

        // start sample
        ret = LidarWriteControl(LidarRegControlAcquire);
        if (ret < 0)
        {
            // dev_err(&client->dev, "cannot send start measurement command");
            Client.Power.PutNoIdle();
            return ret;
        }

        while (tries-- != 0)
        {
            // usleep_range(1000, 2000);
            ret = LidarReadByte(LidarRegStatus);
            if (ret < 0)
                break;

            // return -EINVAL since laser is likely pointed out of range
            if ((ret & LidarRegStatusInvalid) != 0)
            {
                reg = 0;
                ret = -Errno.EINVAL;
                break;
            }

            // sample ready to read
            if ((ret & LidarRegStatusReady) == 0)
            {
                ret = LidarReadMeasurement(ref reg);
                break;
            }

            ret = -Errno.EIO;
        }

        Client.Power.MarkLastBusy();
        Client.Power.PutAutosuspend();

        return ret;
    }

    /// <summary>i2c_smbus_write_byte_data(client, LIDAR_REG_CONTROL, val).</summary>
    protected abstract int LidarWriteControl(int val);

    /// <summary>data->xfer() of one status byte: the byte, or -errno.</summary>
    protected abstract int LidarReadByte(int reg);

    /// <summary>data->xfer() of the 16-bit distance.</summary>
    protected abstract int LidarReadMeasurement(ref ushort reg);
}
