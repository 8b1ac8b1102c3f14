// kind: bug
// needs: contracts
// ports: drivers/vfio/vfio_main.c vfio_df_open() — seeded: a failing first open leaves open_count at 1, so the device
//        records an open reference open_device never kept and the next vfio_df_close() puts it (usage count underflow)
// fix: none — a seeded variant of Correct/VfioDfOpenClose ("a flag set without the get")
// why: open_count non-zero owns the open reference ([OwnsPmReference] on an integer stepped by ++/--)
namespace KernelCorpus.Cases;

public abstract class VfioDfOpenKeepsCountOnFailureBug
{
    public int VfioDfOpen(VfioDfFile df)
    {
        var device = df.Device;
        int ret = 0;

        // lockdep_assert_held(&device->dev_set->lock)

        // Only the group path allows the device to be opened multiple times. The device cdev path doesn't have a
        // secure way for it.
        if (device.OpenCount != 0 && df.Group == null)
            return -Errno.EINVAL;

        device.OpenCount++; // <-- VPM0002
        if (device.OpenCount == 1)
            ret = VfioDfDeviceFirstOpen(df);

        return ret;
    }

    // vfio_df_device_first_open() (Correct/VfioDfDeviceFirstOpen): keeps open_device's reference on success.
    [AcquiresPmReference("df.Device.Dev.Power", OnSuccess = true, Unless = "df.Device.NoOpenDevice")]
    protected abstract int VfioDfDeviceFirstOpen(VfioDfFile df);
}
