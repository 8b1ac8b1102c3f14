// kind: correct
// needs: contracts
// ports: drivers/vfio/vfio_main.c vfio_df_device_first_open() — the driver's open_device (vfio-pci: enable, which keeps
//        the open reference) after binding the IOMMU, unwound by labels when a step fails
// why: the open reference is held on success only when the driver has open_device, fixed by its ops (issue 12: a contract
//      conditional on an unchanging property, When = nameof(HasOpenDevice)); the goto unwind is issue 11 §3
namespace KernelCorpus.Cases;

public abstract class VfioDfDeviceFirstOpenPort
{
    // Keeps the reference open_device took, for vfio_df_device_last_close() (Correct/VfioDfDeviceLastClose).
    [AcquiresPmReference("device.Power", OnSuccess = true, When = nameof(HasOpenDevice))]
    public int VfioDfDeviceFirstOpen(Device device, bool iommufd)
    {
        int ret;

        if (!TryModuleGet(device))
            return -Errno.ENODEV;

        if (iommufd)
            ret = VfioDfIommufdBind(device);
        else
            ret = VfioDeviceGroupUseIommu(device);
        if (ret != 0)
            goto err_module_put;

        if (HasOpenDevice)
        {
            ret = OpenDevice(device);
            if (ret != 0)
                goto err_unuse_iommu;
        }
        return 0;

    err_unuse_iommu:
        if (iommufd)
            VfioDfIommufdUnbind(device);
        else
            VfioDeviceGroupUnuseIommu(device);
    err_module_put:
        ModulePut(device);
        return ret;
    }

    protected abstract bool HasOpenDevice { get; }

    // device->ops->open_device: vfio_pci_open_device() (Correct/VfioPciCoreOpenDevice).
    [AcquiresPmReference("device.Power", OnSuccess = true)]
    protected abstract int OpenDevice(Device device);

    protected abstract bool TryModuleGet(Device device);

    protected abstract void ModulePut(Device device);

    protected abstract int VfioDfIommufdBind(Device device);

    protected abstract void VfioDfIommufdUnbind(Device device);

    protected abstract int VfioDeviceGroupUseIommu(Device device);

    protected abstract void VfioDeviceGroupUnuseIommu(Device device);
}
