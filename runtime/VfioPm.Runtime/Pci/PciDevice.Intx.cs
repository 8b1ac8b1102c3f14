namespace VfioPm.Runtime.Pci;

// The function's side of INTx: asserting its pin sets STATUS.Interrupt and fires the (possibly shared) line,
// unless COMMAND.INTx-disable keeps the pin quiet.
public partial class PciDevice
{
    /// <summary>The function raises its interrupt: STATUS.Interrupt is set, and the line fires unless INTx is disabled in COMMAND.</summary>
    /// <returns>How many handlers on the line claimed it.</returns>
    public int AssertIntx()
    {
        lock (_hw)
        {
            Config.Write16(PciRegs.Status, (ushort)(Config.Read16(PciRegs.Status) | PciRegs.StatusInterrupt));
            if ((Config.Read16(PciRegs.Command) & PciRegs.CommandIntxDisable) != 0)
            {
                return 0;
            }
        }

        return Intx?.Raise() ?? 0;
    }

    /// <summary>The function stops asserting its interrupt (the driver serviced it).</summary>
    public void DeassertIntx()
    {
        lock (_hw)
        {
            Config.Write16(PciRegs.Status, (ushort)(Config.Read16(PciRegs.Status) & ~PciRegs.StatusInterrupt));
        }
    }
}
