// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_dev_set_try_reset() — 2026 form: always takes the PM references
// why: the get-all helper leaves one reference on every device of the set, put back by the loop (issue 12: per-element contract)
namespace KernelCorpus.Cases;

public abstract class VfioPciDevSetTryResetPort
{
    public void VfioPciDevSetTryReset(CoreDeviceSet devSet)
    {
        PciDevice? pdev;
        bool resetDone = false;

        if (!VfioPciDevSetNeedsReset(devSet))
            return;

        pdev = Vfio.DevSetResettable(devSet);
        if (pdev == null)
            return;

        // Some devices of the set may be runtime suspended: take a reference on every one before the reset.
        if (VfioPciDevSetPmRuntimeGet(devSet) != 0)
            return;

        if (Pci.ResetBus(pdev) == 0)
            resetDone = true;

        foreach (var cur in devSet.Devices)
        {
            if (resetDone)
                cur.NeedsReset = false;

            cur.Pdev.Power.Put();
        }
    }

    // vfio_pci_dev_set_needs_reset(): no other device of the set open, one of them dirty.
    protected abstract bool VfioPciDevSetNeedsReset(CoreDeviceSet devSet);

    // vfio_pci_dev_set_pm_runtime_get() (Correct/VfioPciDevSetPmRuntimeGet): 0 with a reference on every device, or
    // -errno with none.
    [AcquiresPmReference("devSet.Devices[].Pdev", OnSuccess = true)]
    protected abstract int VfioPciDevSetPmRuntimeGet(CoreDeviceSet devSet);
}
