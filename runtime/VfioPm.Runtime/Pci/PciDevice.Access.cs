using System;
using System.Globalization;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Pci;

// Device-side access: what a driver's reads and writes do to the hardware. Unreachable config space and BARs
// outside D0 are recorded as fatal accesses and read as all-ones. Each accessor is a [DeviceAccess]: the caller holds
// a runtime-PM reference on this function (VPM0006), the PCI truth that keeps it out of D3cold. The memory_lock mode
// given is vfio's, applied only where the function is reached through a [PtGuardedBy] member (config space: none,
// as vfio_pci_config_rw() takes no lock for it; BARs: shared, as vfio_pci_bar_rw(); reset: exclusive, as
// vfio_pci_ioctl_reset()).
public partial class PciDevice
{
    /// <summary>Reads config space. Config space answers in D0..D3hot; a function in D3cold or behind a bridge not in D0 does not (fatal access, all-ones).</summary>
    /// <returns>The byte count.</returns>
    // models pci_user_read_config_*() / pci_read_config_*() at the hardware level
    [DeviceAccess(LockFree = true)]
    public int ReadConfig(int offset, Span<byte> buffer)
    {
        if (!IsReachable)
        {
            RecordFatal(string.Create(CultureInfo.InvariantCulture, $"config read @0x{offset:x3}"));
            buffer.Fill(0xff);
            return buffer.Length;
        }

        Config.Read(offset, buffer);
        return buffer.Length;
    }

    /// <summary>Writes config space (fatal access when unreachable). The PMCSR power-state bits are left to <see cref="SetPowerState"/>.</summary>
    /// <returns>The byte count.</returns>
    // models pci_user_write_config_*() at the hardware level
    [DeviceAccess(LockFree = true)]
    public int WriteConfig(int offset, ReadOnlySpan<byte> data)
    {
        if (!IsReachable)
        {
            RecordFatal(string.Create(CultureInfo.InvariantCulture, $"config write @0x{offset:x3}"));
            return data.Length;
        }

        lock (_hw)
        {
            var pmcsrAt = PmCap + PciRegs.PmCtrl;
            var pmcsr = PmCap != 0 ? Config.Read16(pmcsrAt) : (ushort)0;
            Config.Write(offset, data);
            if (PmCap != 0)
            {
                var now = Config.Read16(pmcsrAt);
                Config.Write16(pmcsrAt, (ushort)((now & ~PciRegs.PmCtrlStateMask) | (pmcsr & PciRegs.PmCtrlStateMask)));
            }
        }

        return data.Length;
    }

    /// <summary>Reads a 16-bit config register through <see cref="ReadConfig"/>.</summary>
    [DeviceAccess(LockFree = true)]
    public ushort ReadConfig16(int offset)
    {
        Span<byte> b = stackalloc byte[2];
        ReadConfig(offset, b);
        return (ushort)(b[0] | (b[1] << 8));
    }

    /// <summary>Writes a 16-bit config register through <see cref="WriteConfig"/>.</summary>
    [DeviceAccess(LockFree = true)]
    public void WriteConfig16(int offset, ushort value)
    {
        Span<byte> b = stackalloc byte[] { (byte)value, (byte)(value >> 8) };
        WriteConfig(offset, b);
    }

    /// <summary>True when COMMAND has Memory Space Enable set (or memory enable lives in the PF, for a VF).</summary>
    public bool MemoryDecodeEnabled => NoCommandMemory || (Config.Read16(PciRegs.Command) & PciRegs.CommandMemory) != 0;

    /// <summary>Reads a memory BAR. Outside D0 (or unreachable) it is a fatal access; with memory decode off it reads all-ones.</summary>
    /// <returns>The byte count, or <c>-EINVAL</c> for an unimplemented BAR.</returns>
    [DeviceAccess(MemoryLockMode.Shared)]
    public int ReadBar(int bar, long offset, Span<byte> buffer) => CpuLoad(bar, offset, buffer);

    /// <summary>
    /// A CPU load from a BAR through a user's mapping of it: no driver code runs, so no contract is checked here. What
    /// keeps it safe is vfio's mapping protocol (mappings are zapped under <c>memory_lock</c> before memory is disabled or
    /// the function leaves D0); a load that slips past it is recorded as a fatal access, as hardware would answer it.
    /// </summary>
    internal int CpuLoad(int bar, long offset, Span<byte> buffer)
    {
        if (bar is < 0 or > 5 || !Bars[bar].IsImplemented)
        {
            return -Errno.EINVAL;
        }

        if (!IsReachable || HardwareState != PciPowerState.D0)
        {
            RecordFatal(string.Create(CultureInfo.InvariantCulture, $"BAR{bar} read @0x{offset:x}"));
            buffer.Fill(0xff);
            return buffer.Length;
        }

        if (!MemoryDecodeEnabled)
        {
            buffer.Fill(0xff);
            return buffer.Length;
        }

        var n = Bars[bar].Read(offset, buffer);
        buffer[n..].Fill(0xff);
        return buffer.Length;
    }

    /// <summary>Writes a memory BAR. Outside D0 (or unreachable) it is a fatal access; with memory decode off it is dropped.</summary>
    /// <returns>The byte count, or <c>-EINVAL</c> for an unimplemented BAR.</returns>
    [DeviceAccess(MemoryLockMode.Shared)]
    public int WriteBar(int bar, long offset, ReadOnlySpan<byte> data) => CpuStore(bar, offset, data);

    /// <summary>A CPU store to a BAR through a user's mapping of it (see <see cref="CpuLoad"/>).</summary>
    internal int CpuStore(int bar, long offset, ReadOnlySpan<byte> data)
    {
        if (bar is < 0 or > 5 || !Bars[bar].IsImplemented)
        {
            return -Errno.EINVAL;
        }

        if (!IsReachable || HardwareState != PciPowerState.D0)
        {
            RecordFatal(string.Create(CultureInfo.InvariantCulture, $"BAR{bar} write @0x{offset:x}"));
            return data.Length;
        }

        if (MemoryDecodeEnabled)
        {
            Bars[bar].Write(offset, data);
        }

        return data.Length;
    }

    /// <summary>Function-level reset: the device's internal state (BAR contents) is lost; config is saved and restored around it, as the PCI core does.</summary>
    /// <returns>0; <c>-ENOTTY</c> if the function cannot reset; <c>-EIO</c> (and a fatal access) outside D0.</returns>
    // models pci_try_reset_function() / pci_reset_function()
    [DeviceAccess(MemoryLockMode.Exclusive)]
    public int ResetFunction()
    {
        if (!Spec.FunctionResetSupported)
        {
            return -Errno.ENOTTY;
        }

        if (!IsReachable || HardwareState != PciPowerState.D0)
        {
            RecordFatal("function reset");
            return -Errno.EIO;
        }

        foreach (var bar in Bars)
        {
            bar.Clear();
        }

        return 0;
    }
}
