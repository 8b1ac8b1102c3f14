using System;
using System.Globalization;

namespace VfioPm.Runtime.Pci;

// Device-side access: what a driver's reads and writes do to the hardware. Unreachable config space and BARs
// outside D0 are recorded as fatal accesses and read as all-ones.
public partial class PciDevice
{
    /// <summary>Reads config space. Config space answers in D0..D3hot; a function in D3cold or behind a bridge not in D0 does not (fatal access, all-ones).</summary>
    /// <returns>The byte count.</returns>
    // models pci_user_read_config_*() / pci_read_config_*() at the hardware level
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
    public ushort ReadConfig16(int offset)
    {
        Span<byte> b = stackalloc byte[2];
        ReadConfig(offset, b);
        return (ushort)(b[0] | (b[1] << 8));
    }

    /// <summary>Writes a 16-bit config register through <see cref="WriteConfig"/>.</summary>
    public void WriteConfig16(int offset, ushort value)
    {
        Span<byte> b = stackalloc byte[] { (byte)value, (byte)(value >> 8) };
        WriteConfig(offset, b);
    }

    /// <summary>True when COMMAND has Memory Space Enable set (or memory enable lives in the PF, for a VF).</summary>
    public bool MemoryDecodeEnabled => NoCommandMemory || (Config.Read16(PciRegs.Command) & PciRegs.CommandMemory) != 0;

    /// <summary>Reads a memory BAR. Outside D0 (or unreachable) it is a fatal access; with memory decode off it reads all-ones.</summary>
    /// <returns>The byte count, or <c>-EINVAL</c> for an unimplemented BAR.</returns>
    public int ReadBar(int bar, long offset, Span<byte> buffer)
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
    public int WriteBar(int bar, long offset, ReadOnlySpan<byte> data)
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
