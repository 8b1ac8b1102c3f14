// kind: correct
// needs: contracts
// ports: drivers/vfio/vfio_main.c vfio_device_pm_runtime_put()
// why: releases only when the bound driver has PM ops, the same condition its get tested (When = nameof(DriverHasPmOps), issue 12)
namespace KernelCorpus.Cases;

public sealed class VfioDevicePmRuntimePutPort
{
    public VfioDevicePmRuntimePutPort(Device dev) => Dev = dev;

    public Device Dev { get; }

    /// <summary>dev->driver && dev->driver->pm, fixed while the driver is bound.</summary>
    public bool DriverHasPmOps { get; init; }

    [ReleasesPmReference("Dev.Power", When = nameof(DriverHasPmOps))]
    public void VfioDevicePmRuntimePut()
    {
        if (DriverHasPmOps)
            Dev.Power.Put();
    }
}
