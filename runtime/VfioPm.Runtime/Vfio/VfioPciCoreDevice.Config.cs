using System;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// The config region (vfio_pci_config.c): bounds, the split into per-register chunks, and the registers vfio
// emulates — COMMAND (memory enable under memory_lock, INTx disable) and PMCSR (power-state changes).
public sealed partial class VfioPciCoreDevice
{
    // PMCSR bits a user write may change in the hardware (vfio lets ~PowerState through; of those the hardware
    // implements PME_En and Data_Select as read-write and PME_Status as write-1-to-clear, the rest read-only).
    private const ushort PmcsrUserWritable = PciRegs.PmCtrlPmeEnable | PciRegs.PmCtrlDataSelect;

    // What owns a config byte (vdev->pci_config_map): the standard header, the PM capability, or nothing
    // (unassigned bytes are raw read/write).
    private enum ConfigOwner
    {
        Header,
        PmCapability,
        Unassigned,
    }

    // models vfio_pci_config_rw() (read side): the virtual COMMAND register, everything else from the function.
    // PMCSR state bits come from the hardware, so after a runtime suspend/resume the user reads D0. An access at or
    // past cfg_size, or running past it, is -EFAULT as a whole (vfio_config_do_rw()).
    // Caller holds a runtime-PM reference.
    [RequiresPmReference]
    private long ConfigRead(Span<byte> buffer, long pos)
    {
        if (pos >= PciConfigSpace.Size || pos + buffer.Length > PciConfigSpace.Size)
        {
            return -Errno.EFAULT;
        }

        Pdev.ReadConfig((int)pos, buffer);
        for (var i = 0; i < buffer.Length; i++)
        {
            var at = pos + i;
            if (at == PciRegs.Command)
            {
                buffer[i] = (byte)_virtCommand;
            }
            else if (at == PciRegs.Command + 1)
            {
                buffer[i] = (byte)(_virtCommand >> 8);
            }
        }

        return buffer.Length;
    }

    // models vfio_pci_config_rw() (write side) -> vfio_config_do_rw(): bounds first (-EFAULT, nothing written), then
    // one chunk at a time, each aligned and inside one dword of one owner, so a write that runs from the PM
    // capability's header into PMCSR reaches PMCSR as its own register write.
    // Caller holds a runtime-PM reference.
    [RequiresPmReference]
    private long ConfigWrite(ReadOnlySpan<byte> data, long pos)
    {
        if (pos >= PciConfigSpace.Size || pos + data.Length > PciConfigSpace.Size)
        {
            return -Errno.EFAULT;
        }

        var done = 0;
        while (done < data.Length)
        {
            var at = (int)pos + done;
            var count = ConfigChunk(at, data.Length - done);
            ConfigWriteChunk(at, data.Slice(done, count));
            done += count;
        }

        return done;
    }

    // The chunk vfio_config_do_rw() cuts at pos: at most up to the next dword boundary or owner change
    // (vfio_pci_cap_remaining_dword), then 4, 2 or 1 bytes by alignment.
    private int ConfigChunk(int pos, int left)
    {
        var owner = OwnerOf(pos);
        var remaining = 1;
        while ((pos + remaining) % 4 != 0 && OwnerOf(pos + remaining) == owner)
        {
            remaining++;
        }

        var count = Math.Min(left, remaining);
        return count >= 4 && pos % 4 == 0 ? 4 : count >= 2 && pos % 2 == 0 ? 2 : 1;
    }

    private ConfigOwner OwnerOf(int pos) =>
        pos < 0x40 ? ConfigOwner.Header
        : Pdev.PmCap != 0 && pos >= Pdev.PmCap && pos < Pdev.PmCap + PciRegs.PmSizeof ? ConfigOwner.PmCapability
        : ConfigOwner.Unassigned;

    // One chunk through its owner's write function (perm->writefn).
    [RequiresPmReference]
    private void ConfigWriteChunk(int at, ReadOnlySpan<byte> chunk)
    {
        switch (OwnerOf(at))
        {
            case ConfigOwner.Header:
                // vfio_basic_config_write(): of the header only COMMAND is writable in this model.
                if (at <= PciRegs.Command + 1 && at + chunk.Length > PciRegs.Command)
                {
                    var low = at == PciRegs.Command ? chunk[0] : (byte)_virtCommand;
                    var high = at + chunk.Length > PciRegs.Command + 1 ? chunk[PciRegs.Command + 1 - at] : (byte)(_virtCommand >> 8);
                    WriteVirtualCommand((ushort)(low | (high << 8)));
                }

                break;
            case ConfigOwner.PmCapability:
                PmConfigWrite(at - Pdev.PmCap, chunk);
                break;
            default:
                // unassigned_perms: raw read/write, as vfio_raw_config_write() does.
                Pdev.WriteConfig(at, chunk);
                break;
        }
    }

    // models vfio_pm_config_write(): the capability header and PMC are read-only; a PMCSR write first goes through
    // the default path (the non-state bits the hardware lets software change), then, when the chunk starts at
    // PMCSR, its power-state field becomes a power-state change (vfio_lock_and_set_power_state).
    [RequiresPmReference]
    private void PmConfigWrite(int offset, ReadOnlySpan<byte> chunk)
    {
        if (offset + chunk.Length <= PciRegs.PmCtrl || offset >= PciRegs.PmCtrl + 2)
        {
            return;
        }

        var pmcsrAt = Pdev.PmCap + PciRegs.PmCtrl;
        var hardware = Pdev.ReadConfig16(pmcsrAt);
        var value = hardware;
        for (var i = 0; i < chunk.Length; i++)
        {
            var reg = offset + i - PciRegs.PmCtrl;
            if (reg is 0 or 1)
            {
                value = (ushort)((value & ~(0xff << (8 * reg))) | (chunk[i] << (8 * reg)));
            }
        }

        var updated = (ushort)((hardware & ~PmcsrUserWritable) | (value & PmcsrUserWritable));
        if ((value & PciRegs.PmCtrlPmeStatus) != 0 && offset + chunk.Length > PciRegs.PmCtrl + 1)
        {
            updated = (ushort)(updated & ~PciRegs.PmCtrlPmeStatus);
        }

        if (updated != hardware)
        {
            Pdev.WriteConfig16(pmcsrAt, updated);
        }

        if (offset == PciRegs.PmCtrl)
        {
            LockAndSetPowerState((PciPowerState)(chunk[0] & PciRegs.PmCtrlStateMask));
        }
    }

    // models vfio_basic_config_write() for COMMAND: a memory-enable change is made under memory_lock write so it
    // cannot race BAR access or mmap faults; turning memory off also zaps the mmaps, so they fault and see it off.
    [RequiresPmReference]
    private void WriteVirtualCommand(ushort value)
    {
        var memoryChanges = ((value ^ _virtCommand) & PciRegs.CommandMemory) != 0;
        if (memoryChanges && (value & PciRegs.CommandMemory) == 0)
        {
            ZapAndDownWriteMemoryLock();
        }
        else if (memoryChanges)
        {
            MemoryLock.DownWrite();
        }

        try
        {
            _virtCommand = value;
            var physical = Pdev.ReadConfig16(PciRegs.Command);
            const ushort passThrough = PciRegs.CommandMemory | PciRegs.CommandIo | PciRegs.CommandMaster;
            Pdev.WriteConfig16(PciRegs.Command, (ushort)((physical & ~passThrough) | (value & passThrough)));
        }
        finally
        {
            if (memoryChanges)
            {
                MemoryLock.UpWrite();
            }
        }

        EmulateIntxDisable();
    }

    // models the "Emulate INTx disable" tail of vfio_basic_config_write(): the guest's INTx-disable bit masks the INTx
    // context (vfio_pci_intx_mask) when it is set and unmasks it (vfio_pci_intx_unmask) when it is cleared, so an
    // interrupt the device raised meanwhile is re-delivered. Takes igate → irqlock; no memory_lock held.
    [RequiresPmReference]
    private void EmulateIntxDisable()
    {
        var virtIntxDisable = (_virtCommand & PciRegs.CommandIntxDisable) != 0;
        if (virtIntxDisable && !_intx.VirqDisabled)
        {
            _intx.VirqDisabled = true;
            _intx.Mask();
        }
        else if (!virtIntxDisable && _intx.VirqDisabled)
        {
            _intx.VirqDisabled = false;
            _intx.Unmask();
        }
    }
}
