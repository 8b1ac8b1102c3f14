// kind: fixed
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_sriov_configure() — 2026 form: sriov_active recorded under
//        memory_lock, pci_enable_sriov() outside it
// fix: 40ef3edf151e (2026, stable-tagged): record sriov_active under memory_lock, enable the VFs outside it (spec §3.14, §3.17;
//      subject not retrieved)
// why: the enable branch keeps the PF reference while VFs exist (issue 12: ownership held by sriov_active)
namespace KernelCorpus.Cases;

public abstract class VfioSriovEnableUnderMemoryLock
{
    public int VfioPciCoreSriovConfigure(CoreDevice vdev, int nrVirtfn)
    {
        var pdev = vdev.Pdev;
        int ret = 0;

        if (nrVirtfn != 0)
        {
            lock (Vfio.SriovPfsMutex)
            {
                if (vdev.InSriovPfList)
                    return -Errno.EINVAL;
                vdev.InSriovPfList = true;
            }

            ret = pdev.Power.ResumeAndGet();
            if (ret != 0)
                goto out_del;

            // D0 and sriov_active under one hold: a racing PMCSR D3 write sees the PF as having VFs.
            vdev.MemoryLock.DownWrite();
            Vfio.SetPowerState(vdev, PciPowerState.D0);
            vdev.SriovActive = true;
            vdev.MemoryLock.UpWrite();

            ret = PciEnableSriov(vdev, nrVirtfn);
            if (ret != 0)
            {
                vdev.SriovActive = false;
                pdev.Power.Put();
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
        return ret;
    }

    [ExcludesMemoryLock(Lock = "vdev.MemoryLock")]
    protected abstract int PciEnableSriov(CoreDevice vdev, int numVfs);
}
