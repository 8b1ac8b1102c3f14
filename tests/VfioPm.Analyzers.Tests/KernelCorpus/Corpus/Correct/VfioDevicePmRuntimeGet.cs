// kind: correct
// needs: contracts
// ports: drivers/vfio/vfio_main.c vfio_device_pm_runtime_get()
// why: holds a reference on success only when the bound driver has PM ops, fixed while bound: the positive conditional
//      contract (When = nameof(DriverHasPmOps), issue 12)
namespace KernelCorpus.Cases;

public sealed class VfioDevicePmRuntimeGetPort
{
    public VfioDevicePmRuntimeGetPort(Device dev) => Dev = dev;

    public Device Dev { get; }

    /// <summary>dev->driver && dev->driver->pm, fixed while the driver is bound.</summary>
    public bool DriverHasPmOps { get; init; }

    [AcquiresPmReference("Dev.Power", OnSuccess = true, When = nameof(DriverHasPmOps))]
    public int VfioDevicePmRuntimeGet()
    {
        if (DriverHasPmOps)
        {
            int ret;

            ret = Dev.Power.ResumeAndGet();
            if (ret != 0)
            {
                // dev_info_ratelimited(dev, "vfio: runtime resume failed %d\n", ret)
                return -Errno.EIO;
            }
        }

        return 0;
    }
}
