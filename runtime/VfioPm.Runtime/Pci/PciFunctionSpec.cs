using System.Collections.Generic;

namespace VfioPm.Runtime.Pci;

/// <summary>What a simulated PCI function looks like at power-on: identity, capabilities and platform support.</summary>
public sealed record PciFunctionSpec
{
    /// <summary>Vendor ID.</summary>
    public ushort VendorId { get; init; } = 0x10de;

    /// <summary>Device ID.</summary>
    public ushort DeviceId { get; init; } = 0x1eb8;

    /// <summary>24-bit class code (0x030000 VGA, 0x060400 PCI bridge, 0x040300 audio...).</summary>
    public uint ClassCode { get; init; } = 0x030200;

    /// <summary>Type-1 header: a bridge or PCIe port with a secondary bus.</summary>
    public bool IsBridge { get; init; }

    /// <summary>The function has a PM capability (PMCSR). Without one it never leaves D0 by itself.</summary>
    public bool HasPmCapability { get; init; } = true;

    /// <summary>
    /// PMC D1_Support (<c>d1_support</c>): the function offers D1. Without it <c>pci_set_power_state(D1)</c> fails. Note
    /// vfio's memory-enable predicate (below D3hot) lets BAR access through in D1/D2, which the model records as fatal.
    /// </summary>
    public bool D1Support { get; init; }

    /// <summary>PMC D2_Support (<c>d2_support</c>): the function offers D2.</summary>
    public bool D2Support { get; init; }

    /// <summary>PMCSR No_Soft_Reset: internal state survives D3hot→D0. Clear means vfio must save/restore (<c>needs_pm_restore</c>).</summary>
    public bool NoSoftReset { get; init; } = true;

    /// <summary>The slot has platform power control (ACPI <c>_PR3</c>): runtime suspend may reach D3cold.</summary>
    public bool PlatformD3Cold { get; init; }

    /// <summary>For ports: <c>pci_bridge_d3_possible()</c> (PCIe port, BIOS ≥ 2015, not deny-listed...).</summary>
    public bool BridgeD3Possible { get; init; } = true;

    /// <summary>The function uses INTx (interrupt pin A).</summary>
    public bool HasIntx { get; init; } = true;

    /// <summary>PCI 2.3 INTx disable supported (COMMAND bit 10), so masking is done in the device.</summary>
    public bool IntxDisableSupported { get; init; } = true;

    /// <summary>Sizes of memory BARs 0..5 (0 = not implemented).</summary>
    public IReadOnlyList<int> MemoryBarSizes { get; init; } = new[] { 0x1000, 0, 0x1000, 0, 0, 0 };

    /// <summary>SR-IOV: the most VFs this PF can enable (0 = not a PF).</summary>
    public int TotalVfs { get; init; }

    /// <summary>Function-level reset is supported (<c>reset_works</c>).</summary>
    public bool FunctionResetSupported { get; init; } = true;
}
