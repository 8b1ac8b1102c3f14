// kind: bug
// needs: contracts
// ports: drivers/vfio/vfio_main.c vfio_df_close() — seeded: the open_count == 1 test dropped, so every close of a
//        device opened through several group fds runs last_close and puts the open reference once per close
// fix: none — a seeded variant of Correct/VfioDfOpenClose ("an unwind that puts one too many")
// why: open_count non-zero owns the open reference ([OwnsPmReference] on an integer stepped by ++/--)
namespace KernelCorpus.Cases;

public abstract class VfioDfCloseEveryCloseIsLastBug
{
    public void VfioDfClose(VfioDfFile df)
    {
        var device = df.Device;

        // lockdep_assert_held(&device->dev_set->lock)

        if (!VfioAssertDeviceOpen(device))
            return;
        VfioDfDeviceLastClose(df); // <-- VPM0002
        device.OpenCount--;
    }

    // vfio_df_device_last_close() (Correct/VfioDfDeviceLastClose): close_device puts it.
    [ReleasesPmReference("df.Device.Dev.Power", Unless = "df.Device.NoOpenDevice")]
    protected abstract void VfioDfDeviceLastClose(VfioDfFile df);

    // vfio_assert_device_open(): !WARN_ON_ONCE(!READ_ONCE(device->open_count)).
    protected abstract bool VfioAssertDeviceOpen(VfioOpenDevice device);
}
