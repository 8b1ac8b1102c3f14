// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_dev_set_hot_reset() — 6.10+ form (no vma_lock): a PM reference on
//        every device, then one memory_lock per device taken with trylock in list order and released in reverse from the
//        last one taken (list_for_each_entry_from_reverse); group checks reduced to one predicate
// why: per-element contracts for the get-all helper and the memory_lock list (issue 12); per-element lock tracking is issue 11 §4
namespace KernelCorpus.Cases;

public abstract class VfioPciDevSetHotResetPort
{
    public int VfioPciDevSetHotReset(CoreDeviceSet devSet, object groups)
    {
        var devices = devSet.Devices;
        PciDevice? pdev;
        int ret;
        int cur;

        lock (devSet.Lock)
        {
            pdev = Vfio.DevSetResettable(devSet);
            if (pdev == null)
                return -Errno.EINVAL;

            // Some devices of the set may be runtime suspended: hold a reference on each across the reset.
            ret = VfioPciDevSetPmRuntimeGet(devSet);
            if (ret != 0)
                return ret;

            for (cur = 0; cur < devices.Count; cur++)
            {
                // Test whether all the affected devices are contained by the set of groups provided by the user.
                if (!VfioDevInGroups(devices[cur], groups))
                {
                    ret = -Errno.EINVAL;
                    break;
                }

                // Locking multiple devices is prone to deadlock: runaway and unwind on contention.
                if (!devices[cur].MemoryLock.DownWriteTrylock())
                {
                    ret = -Errno.EBUSY;
                    break;
                }

                ZapBars(devices[cur]);
            }

            if (cur < devices.Count)
            {
                // Unwind from the device before the one that failed.
                cur--;
                goto err_undo;
            }

            // pci_reset_bus() would move every device to D0 behind vfio's back (losing NoSoftRst- state in pm_save).
            foreach (var vdev in devices)
                Vfio.SetPowerState(vdev, PciPowerState.D0);

            ret = Pci.ResetBus(pdev);

            cur = devices.Count - 1;
        err_undo:
            for (; cur >= 0; cur--)
                devices[cur].MemoryLock.UpWrite();

            foreach (var vdev in devices)
                vdev.Pdev.Power.Put();
        }

        return ret;
    }

    // vfio_pci_dev_set_pm_runtime_get() (Correct/VfioPciDevSetPmRuntimeGet).
    [AcquiresPmReference("devSet.Devices[].Pdev", OnSuccess = true)]
    protected abstract int VfioPciDevSetPmRuntimeGet(CoreDeviceSet devSet);

    // vfio_dev_in_groups() / the iommufd ownership check.
    protected abstract bool VfioDevInGroups(CoreDevice vdev, object groups);

    // vfio_pci_zap_bars(): unmap every user mapping of the device's BARs (memory_lock held for write).
    [RequiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    protected abstract void ZapBars(CoreDevice vdev);
}
