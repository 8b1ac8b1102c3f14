// kind: correct
// needs: contracts
// ports: drivers/vfio/vfio_main.c vfio_df_open() and vfio_df_close() — under dev_set->lock, the first open keeps the
//        reference the driver's open_device took (vfio_df_device_first_open()) and the last close gives it back
//        (vfio_df_device_last_close()); open_count records it: non-zero while the device holds it
// why: the reference is owned by object state (open_count non-zero), waived for a driver without open_device (a fixed
//      property of its ops): issue 12's [OwnsPmReference] with Unless
namespace KernelCorpus.Cases;

// struct vfio_device and struct vfio_device_file: Prelude/VfioDevice.cs (VfioOpenDevice, VfioDfFile).
public abstract class VfioDfOpenClosePort
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

        device.OpenCount++;
        if (device.OpenCount == 1)
        {
            ret = VfioDfDeviceFirstOpen(df);
            if (ret != 0)
                device.OpenCount--;
        }

        return ret;
    }

    public void VfioDfClose(VfioDfFile df)
    {
        var device = df.Device;

        // lockdep_assert_held(&device->dev_set->lock)

        if (!VfioAssertDeviceOpen(device))
            return;
        if (device.OpenCount == 1)
            VfioDfDeviceLastClose(df);
        device.OpenCount--;
    }

    // vfio_df_device_first_open() (Correct/VfioDfDeviceFirstOpen): keeps open_device's reference on success.
    [AcquiresPmReference("df.Device.Dev.Power", OnSuccess = true, Unless = "df.Device.NoOpenDevice")]
    protected abstract int VfioDfDeviceFirstOpen(VfioDfFile df);

    // vfio_df_device_last_close() (Correct/VfioDfDeviceLastClose): close_device puts it.
    [ReleasesPmReference("df.Device.Dev.Power", Unless = "df.Device.NoOpenDevice")]
    protected abstract void VfioDfDeviceLastClose(VfioDfFile df);

    // vfio_assert_device_open(): !WARN_ON_ONCE(!READ_ONCE(device->open_count)).
    protected abstract bool VfioAssertDeviceOpen(VfioOpenDevice device);
}
