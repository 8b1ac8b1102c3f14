// kind: bug
// needs: contracts
// ports: drivers/vfio/vfio_main.c vfio_device_pm_runtime_put() — seeded: the `dev->driver && dev->driver->pm` test dropped,
//        so a device whose driver has no PM ops (its get took nothing) is put anyway
// fix: none — a seeded variant of Correct/VfioDevicePmRuntimePut (issue 12: a contract conditional on a fixed property)
// why: When = nameof(DriverHasPmOps) waives the release where the property is false; a body that never tests it is judged
//      for both values, so the unconditional put is reported at the exit
namespace KernelCorpus.Cases;

public sealed class VfioDevicePmRuntimePutUnconditional
{
    public VfioDevicePmRuntimePutUnconditional(Device dev) => Dev = dev;

    public Device Dev { get; }

    /// <summary>dev->driver && dev->driver->pm, fixed while the driver is bound.</summary>
    public bool DriverHasPmOps { get; init; }

    [ReleasesPmReference("Dev.Power", When = nameof(DriverHasPmOps))]
    public void VfioDevicePmRuntimePut()
    {
        Dev.Power.Put();
    } // <-- VPM0011
}
