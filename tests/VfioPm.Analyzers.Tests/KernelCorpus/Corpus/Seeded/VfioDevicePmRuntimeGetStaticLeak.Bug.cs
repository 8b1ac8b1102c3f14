// kind: bug
// needs: contracts
// ports: drivers/vfio/vfio_main.c vfio_device_pm_runtime_get() — as a static helper of its device (the C function's shape),
//        seeded with the pre-5.10 idiom: pm_runtime_get_sync() and a failure return without the put
// fix: none — a seeded variant of Correct/VfioDevicePmRuntimeGet (issue 11 §6: a contract on a static method binds to its
//      single device parameter; today such a body is trusted unread)
// why: dev->driver->pm is passed in as a bool the function never assigns: When = nameof(driverHasPmOps) waives the
//      contract on the paths where it is false (issue 12), so the `return 0` there owes nothing; the leak is get_sync's
namespace KernelCorpus.Cases;

public static class VfioDevicePmRuntimeGetStaticLeak
{
    [AcquiresPmReference(OnSuccess = true, When = nameof(driverHasPmOps))]
    public static int VfioDevicePmRuntimeGet(Device dev, bool driverHasPmOps)
    {
        if (driverHasPmOps)
        {
            int ret;

            ret = dev.Power.GetSync(); // <-- VPM0003
            if (ret < 0)
            {
                // dev_info_ratelimited(dev, "vfio: runtime resume failed %d\n", ret);
                return -Errno.EIO;
            }
        }

        return 0;
    }
}
