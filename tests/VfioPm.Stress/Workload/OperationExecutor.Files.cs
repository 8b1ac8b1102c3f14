using System;
using VfioPm.Runtime;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

// Open and close of files, mmap and accesses through mappings.
public sealed partial class OperationExecutor
{
    private string Open(Operation op)
    {
        var device = _machine.Devices[op.Target];
        var slot = device.Slots[op.Slot];
        slot.EnterExclusive();
        try
        {
            if (slot.File is not null)
            {
                return "already open";
            }

            var ret = device.Vdev.TryOpen(_machine.Fds, out var file);
            if (ret == 0)
            {
                slot.SetFile(file);
            }

            // -ENODEV: the device is being unbound (Rebind), or was and is not bound again yet.
            return Expect(op, ret, 0, -Errno.ENODEV);
        }
        finally
        {
            slot.ExitExclusive();
        }
    }

    private string Close(Operation op)
    {
        var slot = _machine.Devices[op.Target].Slots[op.Slot];
        slot.EnterExclusive();
        try
        {
            return CloseLocked(slot) ? "closed" : "not open";
        }
        finally
        {
            slot.ExitExclusive();
        }
    }

    /// <summary>Unmaps the slot's mappings and closes its file; caller holds the slot exclusively.</summary>
    internal static bool CloseLocked(FileSlot slot)
    {
        var file = slot.File;
        if (file is null)
        {
            return false;
        }

        // A mapping holds the file open in the kernel: a process unmaps before the last close can happen.
        foreach (var map in slot.TakeMaps())
        {
            map.Unmap();
        }

        file.Close();
        slot.SetFile(null);
        return true;
    }

    private string Mmap(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var ret = file.Mmap((op.Arg & 1) == 0 ? VfioUapi.VFIO_PCI_BAR0_REGION_INDEX : VfioUapi.VFIO_PCI_BAR2_REGION_INDEX, out var map);
        if (ret == 0 && map is not null)
        {
            device.Slots[op.Slot].AddMap(map)?.Unmap();
        }

        return Expect(op, ret, 0);
    }

    private string AccessMapping(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var maps = device.Slots[op.Slot].Maps();
        if (maps.Length == 0)
        {
            return "no mapping";
        }

        var map = maps[op.Arg % maps.Length];
        var offset = (op.Arg >> 3) % (device.Pdev.Bars[map.Bar].Size - 8);
        var result = (op.Arg & 4) == 0 ? map.Read(offset, _scratch.AsSpan(0, 4)) : map.Write(offset, _scratch.AsSpan(0, 4));
        if (result == MmapAccess.Ok)
        {
            // A success is only legal if the device is not engaged; check the state that would allow it.
            _monitor.CheckNoLiveMappingWhileEngaged(device);
        }

        // SIGSEGV: another thread of the process unmapped it (the slot is shared).
        return result.ToString();
    }
}
