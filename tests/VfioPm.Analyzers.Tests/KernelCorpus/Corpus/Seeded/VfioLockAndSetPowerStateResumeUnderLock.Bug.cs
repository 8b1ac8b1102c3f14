// kind: bug
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_config.c vfio_lock_and_set_power_state() — seeded: a synchronous runtime resume
//        before the D0 write, made with memory_lock held for write; vfio-pci's runtime_resume callback takes
//        memory_lock itself, so the resume waits for the lock its own caller holds
// fix: none — a seeded variant of Correct/VfioLockAndSetPowerState ("a resume under memory_lock")
namespace KernelCorpus.Cases;

public static class VfioLockAndSetPowerStateResumeUnderLockBug
{
    [RequiresPmReference("vdev.Pdev.Power")]
    public static void VfioLockAndSetPowerState(CoreDevice vdev, PciPowerState state)
    {
        if (state >= PciPowerState.D3hot)
        {
            Vfio.ZapAndDownWriteMemoryLock(vdev);
        }
        else
        {
            vdev.MemoryLock.DownWrite();
            vdev.Pdev.Power.Resume(); // <-- VPM0007
        }

        Vfio.SetPowerState(vdev, state);
        vdev.MemoryLock.UpWrite();
    }
}
