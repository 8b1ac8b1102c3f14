// kind: correct
// needs: engine
// ports: drivers/vfio/vfio_main.c vfio_device_fops_unl_ioctl() — the runtime-PM bracket around every device ioctl
namespace KernelCorpus.Cases;

public abstract class VfioDeviceFile
{
    protected VfioDeviceFile(Device dev) => Dev = dev;

    public Device Dev { get; }

    public bool HasIoctl = true;

    public long VfioDeviceFopsUnlIoctl(uint cmd, Span<byte> arg)
    {
        int ret;

        ret = VfioDevicePmRuntimeGet();
        if (ret != 0)
            return ret;

        switch (cmd)
        {
            case VfioUapi.VFIO_DEVICE_FEATURE:
                ret = IoctlDeviceFeature(arg);
                break;

            default:
                if (!HasIoctl)
                    ret = -Errno.EINVAL;
                else
                    ret = DriverIoctl(cmd, arg);
                break;
        }

        VfioDevicePmRuntimePut();
        return ret;
    }

    // vfio_device_pm_runtime_get(): resume_and_get, a failure masked as -EIO (Correct/VfioDevicePmRuntimeGet).
    [AcquiresPmReference("Dev.Power", OnSuccess = true)]
    protected abstract int VfioDevicePmRuntimeGet();

    // vfio_device_pm_runtime_put() (Correct/VfioDevicePmRuntimePut).
    [ReleasesPmReference("Dev.Power")]
    protected abstract void VfioDevicePmRuntimePut();

    [RequiresPmReference("Dev.Power")]
    protected abstract int IoctlDeviceFeature(Span<byte> arg);

    [RequiresPmReference("Dev.Power")]
    protected abstract int DriverIoctl(uint cmd, Span<byte> arg);
}
