// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_dev_set_hot_reset() — the lock list: one memory_lock per device taken
//        with trylock, released up to the one that failed; a PM reference on every device (6.10+ lock order, no vma_lock)
// why: per-element contracts for the get-all helper and the memory_lock list (issue 12); per-element lock tracking is issue 11 §4
namespace KernelCorpus.Cases;

public abstract class VfioPciDevSetHotResetPort
{
    public int VfioPciDevSetHotReset(CoreDeviceSet devSet, object groups)
    {
        CoreDevice? curMem = null;
        PciDevice? pdev;
        int ret;

        lock (devSet.Lock)
        {
            pdev = Vfio.DevSetResettable(devSet);
            if (pdev == null)
                return -Errno.EINVAL;

            // Some devices of the set may be runtime suspended: hold a reference on each across the reset.
            ret = VfioPciDevSetPmRuntimeGet(devSet);
            if (ret != 0)
                return ret;

            foreach (var cur in devSet.Devices)
            {
                // Test whether all the affected devices are contained by the set of groups provided by the user.
                if (!VfioDevInGroups(cur, groups))
                {
                    ret = -Errno.EINVAL;
                    curMem = cur;
                    goto err_undo;
                }

                // Locking multiple devices is prone to deadlock: runaway and unwind on contention.
                if (!cur.MemoryLock.DownWriteTrylock())
                {
                    ret = -Errno.EBUSY;
                    curMem = cur;
                    goto err_undo;
                }
            }

            // pci_reset_bus() would move every device to D0 behind vfio's back (losing NoSoftRst- state in pm_save).
            foreach (var cur in devSet.Devices)
                Vfio.SetPowerState(cur, PciPowerState.D0);

            ret = Pci.ResetBus(pdev);

        err_undo:
            foreach (var cur in devSet.Devices)
            {
                if (cur == curMem)
                    break;
                cur.MemoryLock.UpWrite();
            }

            foreach (var cur in devSet.Devices)
                cur.Pdev.Power.Put();
        }

        return ret;
    }

    // vfio_pci_dev_set_pm_runtime_get() (Correct/VfioPciDevSetPmRuntimeGet).
    protected abstract int VfioPciDevSetPmRuntimeGet(CoreDeviceSet devSet);

    // vfio_dev_in_groups().
    protected abstract bool VfioDevInGroups(CoreDevice vdev, object groups);
}
