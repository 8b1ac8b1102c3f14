using VfioPm.Annotations;
using System;
using System.Threading;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// Open and close (vfio_pci_core_enable / vfio_pci_core_disable): the open reference.
public sealed partial class VfioPciCoreDevice
{
    /// <summary>Opens the device; the first open enables it (resume and take the open reference, reset, save state).</summary>
    /// <param name="fds">The opening process's file descriptors (for eventfds passed to ioctls); a new table if omitted.</param>
    /// <param name="file">The open file, or <see langword="null"/> on failure.</param>
    /// <returns>0; <c>-ENODEV</c> when not registered or being unregistered; the raw resume error; <c>-EAGAIN</c> if the reset found the device locked.</returns>
    /// <remarks>Takes the device-set lock; may sleep.</remarks>
    // models vfio_device_try_get_registration() + vfio_df_open() -> vfio_pci_core_open_device()
    public int TryOpen(FileDescriptorTable? fds, out VfioDeviceFile? file)
    {
        file = null;
        var set = DevSet;
        if (set is null || !TryGetRegistration())
        {
            return -Errno.ENODEV;
        }

        // vfio_device_group_unregister()/vfio_device_del() run before the unregistration's wait: no new opens then.
        if (!IsRegistered)
        {
            PutRegistration();
            return -Errno.ENODEV;
        }

        lock (set.Gate)
        {
            if (OpenCount == 0)
            {
                var ret = Enable();
                if (ret != 0)
                {
                    PutRegistration();
                    return ret;
                }
            }

            Interlocked.Increment(ref _openCount);
        }

        file = new VfioDeviceFile(this, fds ?? new FileDescriptorTable());
        return 0;
    }

    /// <summary>Opens the device, throwing <see cref="InvalidOperationException"/> with the errno when it cannot (see <see cref="TryOpen"/>).</summary>
    public VfioDeviceFile Open(FileDescriptorTable? fds = null)
    {
        var ret = TryOpen(fds, out var file);
        return ret == 0 ? file! : throw new InvalidOperationException($"open {Pdev.Name}: {Errno.Describe(ret)}");
    }

    // The release of a file: close it under the device-set lock, then drop its registration reference (which may
    // complete a waiting unregistration). Takes the device-set lock; may sleep.
    // models vfio_device_fops_release(): vfio_df_close() -> vfio_pci_core_close_device(), then
    // vfio_device_put_registration()
    internal void Release()
    {
        var set = DevSet!;
        lock (set.Gate)
        {
            // The closing device still counts as open while it is disabled (try-reset relies on it).
            if (OpenCount == 1)
            {
                Disable();
                ReleaseUserTriggers();
            }

            Interlocked.Decrement(ref _openCount);
        }

        PutRegistration();
    }

    // models vfio_pci_core_enable(). Caller holds the device-set lock; may sleep. Runs before the first file exists.
    [NoConcurrentUsers("vfio_pci_core_enable() runs from the first open, under the device-set lock, before any file or mapping of the device exists")]
    private int Enable()
    {
        if (!DisableIdleD3)
        {
            // Raw error: open is not an ioctl, nothing masks it.
            var ret = Pdev.Power.ResumeAndGet();
            if (ret < 0)
            {
                return ret;
            }
        }

        // Stop DMA left running by a previous owner, then enable decoding (pci_enable_device).
        var command = Pdev.ReadConfig16(PciRegs.Command);
        Pdev.WriteConfig16(PciRegs.Command, (ushort)((command & ~PciRegs.CommandMaster) | PciRegs.CommandMemory | PciRegs.CommandIo));

        var reset = Pdev.ResetFunction();
        if (reset == -Errno.EAGAIN)
        {
            Pdev.WriteConfig16(PciRegs.Command, command);
            if (!DisableIdleD3)
            {
                Pdev.Power.Put();
            }

            return -Errno.EAGAIN;
        }

        Volatile.Write(ref _resetWorks, reset == 0);
        Pdev.SaveState();
        _pciSavedState = Pdev.StoreSavedState();
        Pdev.ForgetSavedState();

        // vfio uses INTx-disable itself on a PCI 2.3 function: it starts clear in the hardware, so the guest starts
        // with INTx enabled rather than inheriting a previous owner's bit.
        if (Pdev.Spec.IntxDisableSupported)
        {
            var hw = Pdev.ReadConfig16(PciRegs.Command);
            if ((hw & PciRegs.CommandIntxDisable) != 0)
            {
                Pdev.WriteConfig16(PciRegs.Command, (ushort)(hw & ~PciRegs.CommandIntxDisable));
            }
        }

        // vconfig (vfio_config_init): filled from the hardware; the user starts with memory/io/master off.
        _virtCommand = (ushort)(Pdev.ReadConfig16(PciRegs.Command) & PciRegs.CommandIntxDisable);
        _intx.SelectMode(VfioIrqType.None);

        // The open reference now belongs to the open device, until Disable.
        _enabled = true;
        return 0;
    }

    // models vfio_pci_core_disable(). Caller holds the device-set lock; may sleep. Runs after the last file is closed.
    [NoConcurrentUsers("vfio_pci_core_disable() runs from the last close, under the device-set lock, after every file is released; it zaps the mappings itself")]
    private void Disable()
    {
        if (!_enabled)
        {
            return; // enable never completed: nothing to undo
        }

        // The open reference comes back from the open device; this path puts it at the end.
        _enabled = false;

        // 1. Re-take the open reference the user gave up, under memory_lock; no eventfd signal at close.
        RuntimePmExit();

        // 2. Only after dropping memory_lock: wake the device if it really suspended (its callbacks take the lock).
        Pdev.Power.Resume();

        // 3. Undo a user-requested D3hot so the function reset can work and NoSoftRst- state can be restored.
        using (MemoryLock.WriteLock())
        {
            SetPowerStateLocked(PciPowerState.D0);
        }

        // 4. Stop DMA, disable interrupts, mark dirty, restore and try a function reset, disable decoding.
        var command = Pdev.ReadConfig16(PciRegs.Command);
        Pdev.WriteConfig16(PciRegs.Command, (ushort)(command & ~PciRegs.CommandMaster));
        _intx.DisableAll();
        _intx.VirqDisabled = false;
        ZapMmaps();
        NeedsReset = true;
        Pdev.LoadSavedState(_pciSavedState);
        Pdev.RestoreState();
        if (ResetWorks && Pdev.ResetFunction() == 0)
        {
            NeedsReset = false;
        }

        command = Pdev.ReadConfig16(PciRegs.Command);
        Pdev.WriteConfig16(PciRegs.Command, (ushort)(command & ~(PciRegs.CommandMemory | PciRegs.CommandIo)));

        // 5. Bus reset if this was the last open device of the set and someone is dirty.
        DevSet!.TryReset();

        // 6. Drop the open reference: the unused device idles into low power.
        if (!DisableIdleD3)
        {
            Pdev.Power.Put();
        }
    }
}
