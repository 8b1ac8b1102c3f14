// kind: bug
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_sriov_configure() — 6.1 to 2025 form: pci_enable_sriov() called
//        with memory_lock held (VF probe → new dev_set lock → a resume that takes memory_lock: a lock cycle)
// fix: 40ef3edf151e (2026, stable-tagged): record sriov_active under memory_lock, enable the VFs outside it (spec §3.14, §3.17;
//      subject not retrieved)
// why: 6.1 has no sriov_active: the PF reference is kept while VFs exist, state of the PCI layer (pci_num_vf(pdev)). vfio's
//      side of that protocol is stated on its two PCI calls, as a driver author sees them: a successful
//      pci_enable_sriov() hands the reference to the VFs (a release on success), pci_disable_sriov() hands it back for the
//      put that follows (an acquire); the 2026 form states the same with [OwnsPmReference] on sriov_active
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

            // The PF must be in D0 before VFs are enabled, and a user PMCSR write can race this path: hold memory_lock.
            ret = pdev.Power.ResumeAndGet();
            if (ret != 0)
                goto out_del;

            vdev.MemoryLock.DownWrite();
            Vfio.SetPowerState(vdev, PciPowerState.D0);
            ret = PciEnableSriov(vdev, nrVirtfn); // <-- VPM0007
            vdev.MemoryLock.UpWrite();
            if (ret != 0)
            {
                pdev.Power.Put();
                goto out_del;
            }
            return nrVirtfn;
        }

        if (Pci.NumVf(pdev) != 0)
        {
            PciDisableSriov(pdev);
            pdev.Power.Put();
        }

    out_del:
        lock (Vfio.SriovPfsMutex)
            vdev.InSriovPfList = false;
        return ret;
    }

    // pci_enable_sriov(): adds and probes the VFs; vfio-pci's VF probe takes its dev_set lock, under which a runtime
    // resume takes memory_lock — so the PF's memory_lock must not be held across it. On success the VFs keep the PF
    // reference the caller took (pci_num_vf(pdev) != 0 until pci_disable_sriov()).
    [ExcludesMemoryLock(Lock = "vdev.MemoryLock")]
    [ReleasesPmReference("vdev.Pdev", OnSuccess = true)]
    protected abstract int PciEnableSriov(CoreDevice vdev, int numVfs);

    // pci_disable_sriov(): removes the VFs; the PF reference they kept comes back to vfio, which puts it.
    [AcquiresPmReference("pdev")]
    protected abstract void PciDisableSriov(PciDevice pdev);
}
