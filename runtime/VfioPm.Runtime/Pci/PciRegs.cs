namespace VfioPm.Runtime.Pci;

/// <summary>Config-space register offsets and bits (<c>include/uapi/linux/pci_regs.h</c>) that the model uses.</summary>
public static class PciRegs
{
    /// <summary>Vendor ID (16 bits).</summary>
    public const int VendorId = 0x00;
    /// <summary>Device ID (16 bits).</summary>
    public const int DeviceId = 0x02;
    /// <summary>Command register (16 bits).</summary>
    public const int Command = 0x04;
    /// <summary>Status register (16 bits).</summary>
    public const int Status = 0x06;
    /// <summary>Revision ID (8 bits), then the 24-bit class code.</summary>
    public const int ClassRevision = 0x08;
    /// <summary>Header type (8 bits): 0 normal, 1 bridge.</summary>
    public const int HeaderType = 0x0E;
    /// <summary>BAR0; BARn is at BaseAddress0 + 4n.</summary>
    public const int BaseAddress0 = 0x10;
    /// <summary>Capabilities pointer (8 bits).</summary>
    public const int CapabilityList = 0x34;
    /// <summary>Interrupt pin (8 bits; 0 = none, 1 = INTA).</summary>
    public const int InterruptPin = 0x3D;

    /// <summary>COMMAND: I/O space enable.</summary>
    public const ushort CommandIo = 0x0001;
    /// <summary>COMMAND: memory space enable.</summary>
    public const ushort CommandMemory = 0x0002;
    /// <summary>COMMAND: bus master enable.</summary>
    public const ushort CommandMaster = 0x0004;
    /// <summary>COMMAND: INTx emulation disable (PCI 2.3).</summary>
    public const ushort CommandIntxDisable = 0x0400;

    /// <summary>STATUS: INTx pending.</summary>
    public const ushort StatusInterrupt = 0x0008;
    /// <summary>STATUS: capability list present.</summary>
    public const ushort StatusCapList = 0x0010;

    /// <summary>Capability ID of power management.</summary>
    public const byte CapIdPm = 0x01;
    /// <summary>PM capability: PMC register offset from the capability.</summary>
    public const int PmPmc = 2;
    /// <summary>PMC: D1_Support.</summary>
    public const ushort PmPmcD1 = 0x0200;
    /// <summary>PMC: D2_Support.</summary>
    public const ushort PmPmcD2 = 0x0400;
    /// <summary>PM capability: PMCSR register offset from the capability.</summary>
    public const int PmCtrl = 4;
    /// <summary>PMCSR: power state bits (0 = D0 .. 3 = D3hot).</summary>
    public const ushort PmCtrlStateMask = 0x0003;
    /// <summary>PMCSR: No_Soft_Reset — internal state is kept across D3hot→D0.</summary>
    public const ushort PmCtrlNoSoftReset = 0x0008;
    /// <summary>PMCSR: PME enable.</summary>
    public const ushort PmCtrlPmeEnable = 0x0100;
    /// <summary>PMCSR: Data_Select (read-write).</summary>
    public const ushort PmCtrlDataSelect = 0x1e00;
    /// <summary>PMCSR: PME_Status (write 1 to clear).</summary>
    public const ushort PmCtrlPmeStatus = 0x8000;
    /// <summary>Length of the PM capability (<c>PCI_PM_SIZEOF</c>).</summary>
    public const int PmSizeof = 8;
}
