// kind: bug
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_sriov_configure() — seeded: when pci_enable_sriov() fails the
//        flag is cleared but the PF reference it owned is not put, so the PF never runtime suspends again
// fix: none — a seeded variant of Correct/VfioPciCoreSriovConfigure ("a put skipped on one error path")
// why: enable keeps the PF reference while VFs exist and disable puts it once (issue 12: ownership held by sriov_active)
namespace KernelCorpus.Cases;

public static class VfioPciCoreSriovConfigureSkipsPutOnEnableFailureBug
{
    public static int VfioPciCoreSriovConfigure(CoreDevice vdev, int nrVirtfn)
    {
        var pdev = vdev.Pdev;
        int ret = 0;

        if (nrVirtfn != 0)
        {
            lock (Vfio.SriovPfsMutex)
            {
                // Only the thread that adds the PF to the list may enable SR-IOV, once, until it is disabled.
                if (vdev.InSriovPfList)
                    return -Errno.EINVAL;
                vdev.InSriovPfList = true;
            }

            // The PF must stay in D0 while VFs exist: resume it and keep the reference until SR-IOV is disabled.
            ret = pdev.Power.ResumeAndGet();
            if (ret != 0)
                goto out_del;

            vdev.MemoryLock.DownWrite();
            Vfio.SetPowerState(vdev, PciPowerState.D0);
            vdev.SriovActive = true;
            vdev.MemoryLock.UpWrite();

            ret = Pci.EnableSriov(pdev, nrVirtfn);
            if (ret != 0)
            {
                vdev.SriovActive = false;
                goto out_del;
            }
            return nrVirtfn;
        }

        if (Pci.NumVf(pdev) != 0)
        {
            Pci.DisableSriov(pdev);
            vdev.SriovActive = false;
            pdev.Power.Put();
        }

    out_del:
        lock (Vfio.SriovPfsMutex)
            vdev.InSriovPfList = false;
        return ret; // <-- VPM0001
    }
}
