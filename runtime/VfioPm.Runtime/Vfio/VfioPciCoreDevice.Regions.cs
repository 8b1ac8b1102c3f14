using System;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// read()/write() on the device file (vfio_pci_rdwr.c, vfio_pci_config.c): every access is wrapped in a
// resume-and-get/put by vfio-pci itself; BAR access also takes memory_lock for read and needs memory enabled.
public sealed partial class VfioPciCoreDevice
{
    /// <summary>Device-specific regions beyond the nine fixed ones (none in this model).</summary>
    public int NumDeviceRegions => 0;

    // models vfio_pci_rw(): index checked before any PM call; resume errors masked as -EIO; put always.
    // Takes memory_lock (read for BARs, write for PMCSR/COMMAND changes); may sleep.
    [ExcludesMemoryLock]
    internal long Rw(Span<byte> readBuffer, ReadOnlySpan<byte> writeBuffer, long offset, bool isWrite)
    {
        var index = VfioUapi.RegionIndex(offset);
        if (index >= VfioUapi.VFIO_PCI_NUM_REGIONS + NumDeviceRegions)
        {
            return -Errno.EINVAL;
        }

        if (Pdev.Power.ResumeAndGet() != 0)
        {
            return -Errno.EIO;
        }

        try
        {
            var pos = offset & VfioUapi.VFIO_PCI_OFFSET_MASK;
            switch (index)
            {
                case VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX:
                    return isWrite ? ConfigWrite(writeBuffer, pos) : ConfigRead(readBuffer, pos);
                case VfioUapi.VFIO_PCI_ROM_REGION_INDEX:
                case VfioUapi.VFIO_PCI_VGA_REGION_INDEX:
                    // No option ROM and no VGA in this model; ROM writes are -EINVAL in any case.
                    return -Errno.EINVAL;
                default:
                    return BarRw(index, readBuffer, writeBuffer, pos, isWrite);
            }
        }
        finally
        {
            Pdev.Power.Put();
        }
    }

    // models vfio_pci_bar_rw() -> vfio_pci_core_do_io_rw(): memory BARs under memory_lock read, -EIO when disabled.
    // Caller holds a runtime-PM reference.
    [RequiresPmReference]
    private long BarRw(int bar, Span<byte> readBuffer, ReadOnlySpan<byte> writeBuffer, long pos, bool isWrite)
    {
        var region = Pdev.Bars[bar];
        if (!region.IsImplemented || pos >= region.Size)
        {
            return -Errno.EINVAL;
        }

        var count = (int)Math.Min(isWrite ? writeBuffer.Length : readBuffer.Length, region.Size - pos);
        using (MemoryLock.ReadLock())
        {
            if (!MemoryEnabled)
            {
                return -Errno.EIO;
            }

            return isWrite ? Pdev.WriteBar(bar, pos, writeBuffer[..count]) : Pdev.ReadBar(bar, pos, readBuffer[..count]);
        }
    }

    // models vfio_pci_config_rw() (read side): the virtual COMMAND register, everything else from the function.
    // PMCSR state bits come from the hardware, so after a runtime suspend/resume the user reads D0.
    // Caller holds a runtime-PM reference.
    [RequiresPmReference]
    private long ConfigRead(Span<byte> buffer, long pos)
    {
        if (pos >= PciConfigSpace.Size)
        {
            return -Errno.EINVAL;
        }

        var count = (int)Math.Min(buffer.Length, PciConfigSpace.Size - pos);
        Pdev.ReadConfig((int)pos, buffer[..count]);
        for (var i = 0; i < count; i++)
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

        return count;
    }

    // models vfio_pci_config_rw() (write side): COMMAND is virtualized (memory enable changes under memory_lock
    // write); a write that starts exactly at PMCSR changes the power state through vfio_lock_and_set_power_state;
    // the rest of the standard header is read-only to the user; capability space beyond it passes through.
    // Caller holds a runtime-PM reference.
    [RequiresPmReference]
    private long ConfigWrite(ReadOnlySpan<byte> data, long pos)
    {
        if (pos >= PciConfigSpace.Size)
        {
            return -Errno.EINVAL;
        }

        var count = (int)Math.Min(data.Length, PciConfigSpace.Size - pos);
        var pmcsr = Pdev.PmCap + PciRegs.PmCtrl;
        if (Pdev.PmCap != 0 && pos == pmcsr && count >= 1)
        {
            // vfio_pm_config_write(): only the power-state bits matter for PM.
            var state = (PciPowerState)(data[0] & PciRegs.PmCtrlStateMask);
            LockAndSetPowerState(state);
            return count;
        }

        if (pos <= PciRegs.Command && pos + count > PciRegs.Command)
        {
            var low = pos == PciRegs.Command ? data[0] : (byte)_virtCommand;
            var high = pos + count > PciRegs.Command + 1 ? data[(int)(PciRegs.Command + 1 - pos)] : (byte)(_virtCommand >> 8);
            WriteVirtualCommand((ushort)(low | (high << 8)));
        }

        if (pos >= 0x40)
        {
            Pdev.WriteConfig((int)pos, data[..count]);
        }

        return count;
    }

    // models vfio_basic_config_write() for COMMAND: a memory-enable change is made under memory_lock write so it
    // cannot race BAR access or mmap faults; turning memory off also zaps the mmaps, so they fault and see it off.
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
