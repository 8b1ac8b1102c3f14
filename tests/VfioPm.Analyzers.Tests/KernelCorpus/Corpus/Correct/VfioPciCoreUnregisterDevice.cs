// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_unregister_device() — with disable_idle_d3 latched per device (2026)
// why: takes back the probe reference register gave away unless DisableIdleD3 (issue 12: latched flag)
namespace KernelCorpus.Cases;

public abstract class VfioPciCoreUnregisterDevicePort
{
    // Re-takes the reference register dropped, for pci_device_remove()'s put_sync (unless DisableIdleD3).
    [AcquiresPmReference("vdev.Pdev.Power", Unless = "vdev.DisableIdleD3")]
    public void VfioPciCoreUnregisterDevice(CoreDevice vdev)
    {
        VfioPciCoreSriovConfigure(vdev, 0);

        Vfio.UnregisterGroupDev(vdev);

        Vfio.UninitStep(vdev, "vf_init");
        Vfio.UninitStep(vdev, "vga_init");

        if (!vdev.DisableIdleD3)
            vdev.Pdev.Power.GetNoResume();

        vdev.Pdev.Power.Forbid();
    }

    // vfio_pci_core_sriov_configure(vdev, 0) (Correct/VfioPciCoreSriovConfigure): puts the SR-IOV reference if VFs exist.
    protected abstract int VfioPciCoreSriovConfigure(CoreDevice vdev, int nrVirtfn);
}
