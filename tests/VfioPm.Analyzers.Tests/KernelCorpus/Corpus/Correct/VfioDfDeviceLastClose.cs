// kind: correct
// needs: engine
// ports: drivers/vfio/vfio_main.c vfio_df_device_last_close() — the driver's close_device (vfio-pci: disable, which drops
//        the open reference), then the IOMMU and module references
namespace KernelCorpus.Cases;

public abstract class VfioDfDeviceLastClosePort
{
    // Drops the reference vfio_df_device_first_open() kept (Correct/VfioDfDeviceFirstOpen).
    [ReleasesPmReference("device.Power")]
    public void VfioDfDeviceLastClose(Device device, bool iommufd)
    {
        CloseDevice(device);

        if (iommufd)
            VfioDfIommufdUnbind(device);
        else
            VfioDeviceGroupUnuseIommu(device);

        ModulePut(device);
    }

    // device->ops->close_device: vfio_pci_core_close_device() (Correct/VfioPciCoreCloseDevice).
    [ReleasesPmReference("device.Power")]
    protected abstract void CloseDevice(Device device);

    protected abstract void ModulePut(Device device);

    protected abstract void VfioDfIommufdUnbind(Device device);

    protected abstract void VfioDeviceGroupUnuseIommu(Device device);
}
