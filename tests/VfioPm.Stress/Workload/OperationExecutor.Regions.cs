using System;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

// read()/write() of regions: config space (COMMAND and PMCSR included), BARs, and bad indexes, offsets and lengths.
public sealed partial class OperationExecutor
{
    private static readonly long ConfigRegion = VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX);

    private string ConfigRead(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var offset = op.Arg % PciConfigSpace.Size;
        var length = 1 + ((op.Arg >> 12) % 8);
        // vfio_config_do_rw(): a read running past cfg_size faults as a whole.
        return Expect(op, file.Read(_scratch.AsSpan(0, length), ConfigRegion + offset), offset + length > PciConfigSpace.Size ? -Errno.EFAULT : length);
    }

    private string CommandWrite(Operation op, StressDevice device, VfioDeviceFile file)
    {
        _scratch[0] = (op.Arg & 1) == 0 ? (byte)PciRegs.CommandMemory : (byte)0;
        _scratch[1] = 0;
        return Expect(op, file.Write(_scratch.AsSpan(0, 2), ConfigRegion + PciRegs.Command), 2);
    }

    private string PmcsrWrite(Operation op, StressDevice device, VfioDeviceFile file)
    {
        // Mostly D0 and D3hot; D1 and D2 too, which these functions do not offer (the write is ignored).
        _scratch[0] = (op.Arg % 6) switch { 0 => (byte)PciPowerState.D1, 1 => (byte)PciPowerState.D2, 2 or 3 => (byte)PciPowerState.D0, _ => (byte)PciPowerState.D3hot };
        return Expect(op, file.Write(_scratch.AsSpan(0, 1), ConfigRegion + device.Pdev.PmCap + PciRegs.PmCtrl), 1);
    }

    // BAR read/write through the file: works in low power too (wrapped in get/put); -EIO while memory decode is off or
    // the user put the function in D3hot; -EINVAL past the end of the BAR.
    private string BarAccess(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var bar = (op.Arg & 2) == 0 ? VfioUapi.VFIO_PCI_BAR0_REGION_INDEX : VfioUapi.VFIO_PCI_BAR2_REGION_INDEX;
        var size = device.Pdev.Bars[bar].Size;
        var offset = (op.Arg >> 2) % (size + 16);
        var length = 1 + ((op.Arg >> 16) % 16);
        var buffer = _scratch.AsSpan(0, length);
        var at = VfioUapi.RegionOffset(bar) + offset;
        var result = (op.Arg & 1) == 0 ? file.Read(buffer, at) : file.Write(buffer, at);
        return offset >= size
            ? Expect(op, result, -Errno.EINVAL)
            : Expect(op, result, Math.Min(length, size - offset), -Errno.EIO);
    }

    private string BadRegionAccess(Operation op, StressDevice device, VfioDeviceFile file)
    {
        var four = _scratch.AsSpan(0, 4);
        return (op.Arg % 9) switch
        {
            0 => Expect(op, file.Read(four, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_ROM_REGION_INDEX)), -Errno.EINVAL),
            1 => Expect(op, file.Write(four, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_ROM_REGION_INDEX)), -Errno.EINVAL),
            2 => Expect(op, file.Read(four, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_VGA_REGION_INDEX)), -Errno.EINVAL),
            3 => Expect(op, file.Read(four, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_NUM_REGIONS)), -Errno.EINVAL),
            4 => Expect(op, file.Write(four, VfioUapi.RegionOffset(0x7FFFFF)), -Errno.EINVAL),
            5 => Expect(op, file.Read(four, -1), -Errno.EINVAL),
            6 => Expect(op, file.Read(four, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_BAR1_REGION_INDEX)), -Errno.EINVAL),
            7 => Expect(op, file.Read(four, ConfigRegion + PciConfigSpace.Size), -Errno.EFAULT),
            _ => Expect(op, file.Read(Span<byte>.Empty, ConfigRegion), 0),
        };
    }
}
