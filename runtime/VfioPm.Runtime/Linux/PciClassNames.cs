using System.Globalization;

namespace VfioPm.Runtime.Linux;

/// <summary>
/// A PCI class code in words, as <c>lspci</c> names it (the PCI Code and ID Assignment Specification's
/// base classes and their common sub-classes). Unknown sub-classes fall back to the base class.
/// </summary>
public static class PciClassNames
{
    /// <summary>Describes a 24-bit class code (base, sub-class, programming interface).</summary>
    /// <param name="classCode">The value of the <c>class</c> attribute.</param>
    /// <returns>For example "VGA compatible controller" for 0x030000, "USB controller (xHCI)" for 0x0c0330.</returns>
    public static string Describe(uint classCode)
    {
        uint baseAndSub = (classCode >> 8) & 0xFFFF;
        uint progIf = classCode & 0xFF;
        string? name = baseAndSub switch
        {
            0x0100 => "SCSI storage controller",
            0x0101 => "IDE interface",
            0x0104 => "RAID bus controller",
            0x0106 => "SATA controller",
            0x0107 => "Serial Attached SCSI controller",
            0x0108 => progIf == 0x02 ? "Non-Volatile memory controller (NVMe)" : "Non-Volatile memory controller",
            0x0200 => "Ethernet controller",
            0x0207 => "InfiniBand controller",
            0x0280 => "Network controller",
            0x0300 => progIf == 0x00 ? "VGA compatible controller" : "Display controller",
            0x0302 => "3D controller",
            0x0380 => "Display controller",
            0x0401 => "Multimedia audio controller",
            0x0403 => "Audio device",
            0x0480 => "Multimedia controller",
            0x0500 => "RAM memory",
            0x0600 => "Host bridge",
            0x0601 => "ISA bridge",
            0x0604 => "PCI bridge",
            0x0680 => "Bridge",
            0x0700 => "Serial controller",
            0x0780 => "Communication controller",
            0x0800 => "PIC",
            0x0805 => "SD Host controller",
            0x0806 => "IOMMU",
            0x0880 => "System peripheral",
            0x0c03 => progIf switch
            {
                0x00 => "USB controller (UHCI)",
                0x10 => "USB controller (OHCI)",
                0x20 => "USB controller (EHCI)",
                0x30 => "USB controller (xHCI)",
                0x40 => "USB controller (USB4)",
                _ => "USB controller",
            },
            0x0c05 => "SMBus",
            0x0c80 => "Serial bus controller",
            0x1180 => "Signal processing controller",
            0x1200 => "Processing accelerators",
            _ => null,
        };

        return name ?? ((classCode >> 16) & 0xFF) switch
        {
            0x00 => "Unclassified device",
            0x01 => "Mass storage controller",
            0x02 => "Network controller",
            0x03 => "Display controller",
            0x04 => "Multimedia controller",
            0x05 => "Memory controller",
            0x06 => "Bridge",
            0x07 => "Communication controller",
            0x08 => "Generic system peripheral",
            0x09 => "Input device controller",
            0x0a => "Docking station",
            0x0b => "Processor",
            0x0c => "Serial bus controller",
            0x0d => "Wireless controller",
            0x0e => "Intelligent controller",
            0x0f => "Satellite communications controller",
            0x10 => "Encryption controller",
            0x11 => "Signal processing controller",
            0x12 => "Processing accelerators",
            0x13 => "Non-Essential Instrumentation",
            0x40 => "Coprocessor",
            0xff => "Unassigned class",
            _ => "Class 0x" + classCode.ToString("x6", CultureInfo.InvariantCulture),
        };
    }
}
