// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_config.c vfio_pm_config_write() — a PMCSR write from the user becomes a power-state
//        change made by vfio under memory_lock (vfio_lock_and_set_power_state())
namespace KernelCorpus.Cases;

public abstract class VfioPmConfigWritePort
{
    private const int PciPmCtrl = 4;
    private const uint PciPmCtrlStateMask = 0x3;

    // A config-space write of vfio_pci_config_rw(), inside vfio_pci_rw()'s runtime-PM bracket.
    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioPmConfigWrite(CoreDevice vdev, int pos, int count, int offset, uint val)
    {
        count = VfioDefaultConfigWrite(vdev, pos, count, offset, val);
        if (count < 0)
            return count;

        if (offset == PciPmCtrl)
        {
            PciPowerState state;

            switch (val & PciPmCtrlStateMask)
            {
                case 0:
                    state = PciPowerState.D0;
                    break;
                case 1:
                    state = PciPowerState.D1;
                    break;
                case 2:
                    state = PciPowerState.D2;
                    break;
                default:
                    state = PciPowerState.D3hot;
                    break;
            }

            VfioLockAndSetPowerState(vdev, state);
        }

        return count;
    }

    protected abstract int VfioDefaultConfigWrite(CoreDevice vdev, int pos, int count, int offset, uint val);

    // vfio_lock_and_set_power_state() (Correct/VfioLockAndSetPowerState): takes memory_lock for write itself.
    [RequiresPmReference("vdev.Pdev.Power"), ExcludesMemoryLock(Lock = "vdev.MemoryLock")]
    protected abstract void VfioLockAndSetPowerState(CoreDevice vdev, PciPowerState state);
}
