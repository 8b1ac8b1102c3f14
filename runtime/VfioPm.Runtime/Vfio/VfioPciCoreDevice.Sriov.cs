using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// SR-IOV configuration through sriov_numvfs (2026 form: sriov_active under memory_lock, VFs enabled outside it).
public sealed partial class VfioPciCoreDevice
{
    /// <summary>
    /// Enables <paramref name="numVfs"/> VFs (the PF is resumed and a reference kept while VFs exist; under one
    /// <c>memory_lock</c> hold it goes to D0 and <see cref="SriovActive"/> is set, so a racing user PMCSR D3 write is
    /// refused; the VFs are enabled outside the lock), or disables them (0) and puts the reference exactly once.
    /// </summary>
    /// <returns><paramref name="numVfs"/>; 0 for disable; <c>-EINVAL</c> for a second enable; a raw resume or enable error.</returns>
    /// <remarks>Called with the device lock held (sysfs). Takes memory_lock; may sleep.</remarks>
    // models vfio_pci_core_sriov_configure()
    public int SriovConfigure(int numVfs)
    {
        if (numVfs > 0)
        {
            lock (SriovPfs)
            {
                // Only one enable without an intervening disable.
                if (!SriovPfs.Add(this))
                {
                    return -Errno.EINVAL;
                }
            }

            // The PF must not sit in a lower power state than its VFs: pin it for as long as they exist.
            var ret = Pdev.Power.ResumeAndGet();
            if (ret < 0)
            {
                RemoveFromSriovPfs();
                return ret;
            }

            using (MemoryLock.WriteLock())
            {
                SetPowerStateLocked(PciPowerState.D0);
                _sriovActive = true;
            }

            // Outside memory_lock: enabling probes VF drivers, whose open path takes a device-set lock and may resume
            // (taking a memory_lock): holding ours here made a lock cycle (fixed upstream in 2026).
            ret = Pdev.EnableSriov(numVfs);
            if (ret != 0)
            {
                // The 2026 kernel clears the flag without the lock; clearing it under the lock is strictly safer and
                // keeps [GuardedBy] honest.
                using (MemoryLock.WriteLock())
                {
                    _sriovActive = false;
                }

                Pdev.Power.Put();
                RemoveFromSriovPfs();
                return ret;
            }

            return numVfs;
        }

        // The NumVfs guard keeps disable idempotent for the PM count (unregister calls it with no VFs): the flag, set
        // only once VFs are being enabled, owns the PF reference, and is cleared (handing it back) right before the put.
        if (Pdev.NumVfs > 0)
        {
            Pdev.DisableSriov();
            using (MemoryLock.WriteLock())
            {
                _sriovActive = false;
            }

            Pdev.Power.Put();
        }

        RemoveFromSriovPfs();
        return 0;
    }

    private void RemoveFromSriovPfs()
    {
        lock (SriovPfs)
        {
            SriovPfs.Remove(this);
        }
    }
}
