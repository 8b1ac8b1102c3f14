using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// Power-state changes vfio makes on the user's behalf or its own (vfio_pci_set_power_state and friends), and the
// memory-enable predicate that gates BAR access.
public sealed partial class VfioPciCoreDevice
{
    /// <summary>
    /// Sets the function's power state the vfio way: refuses D1..D3 on a PF with VFs (<c>-EBUSY</c>), saves state before
    /// D3hot and restores it after for a NoSoftRst- function.
    /// </summary>
    /// <returns>The PCI core's result, or <c>-EBUSY</c>. Most callers ignore it.</returns>
    /// <remarks>Caller holds <see cref="MemoryLock"/> for write (2026+ asserts it).</remarks>
    // models vfio_pci_set_power_state()
    [RequiresMemoryLock(MemoryLockMode.Exclusive)]
    internal int SetPowerStateLocked(PciPowerState state)
    {
        MemoryLock.AssertWriteHeld();
        if (state > PciPowerState.D0 && _sriovActive)
        {
            return -Errno.EBUSY;
        }

        var needsSave = false;
        var needsRestore = false;
        if (NeedsPmRestore)
        {
            var current = Pdev.CurrentState;
            needsSave = current < PciPowerState.D3hot && state >= PciPowerState.D3hot;
            if (needsSave)
            {
                Pdev.SaveState();
            }

            needsRestore = current >= PciPowerState.D3hot && state <= PciPowerState.D0;
        }

        var ret = Pdev.SetPowerState(state);
        if (ret == 0)
        {
            // D3 may be quirked away: keep a saved state only if the function really went there. A fresh one replaces
            // any older one, which fixes a leak when the device reached D0 behind vfio's back.
            if (needsSave && Pdev.CurrentState >= PciPowerState.D3hot)
            {
                _pmSave = Pdev.StoreSavedState();
                Pdev.ForgetSavedState();
            }
            else if (needsRestore)
            {
                Pdev.LoadSavedState(_pmSave);
                _pmSave = null;
                Pdev.RestoreState();
            }
        }

        return ret;
    }

    // models vfio_lock_and_set_power_state(): a user PMCSR write. Going to D3 zaps mmaps first, so mappings fault and
    // the faults see memory disabled. The result is ignored (a D3 request on a PF with VFs is silently dropped).
    // Takes memory_lock for write.
    [ExcludesMemoryLock]
    private void LockAndSetPowerState(PciPowerState state)
    {
        if (state >= PciPowerState.D3hot)
        {
            ZapAndDownWriteMemoryLock();
        }
        else
        {
            MemoryLock.DownWrite();
        }

        try
        {
            SetPowerStateLocked(state);
        }
        finally
        {
            MemoryLock.UpWrite();
        }
    }

    /// <summary>
    /// BARs decode: the function is above D3hot and memory is enabled in the user's (virtual) COMMAND register, or lives
    /// in the PF for a VF. <see cref="PmRuntimeEngaged"/> is deliberately not part of it: read/write keep working in low
    /// power (wrapped in get/put); only mmap faults check it.
    /// </summary>
    /// <remarks>Caller holds <see cref="MemoryLock"/>.</remarks>
    // models __vfio_pci_memory_enabled()
    [RequiresMemoryLock(MemoryLockMode.Shared)]
    internal bool MemoryEnabled =>
        Pdev.CurrentState < PciPowerState.D3hot && (Pdev.NoCommandMemory || (_virtCommand & PciRegs.CommandMemory) != 0);
}
