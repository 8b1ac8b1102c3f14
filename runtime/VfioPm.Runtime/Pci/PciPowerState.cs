namespace VfioPm.Runtime.Pci;

/// <summary>PCI device power state (<c>pci_power_t</c>; the values match the kernel's, PCI_POWER_ERROR is not modelled).</summary>
public enum PciPowerState
{
    /// <summary>Fully on.</summary>
    D0 = 0,

    /// <summary>Light sleep (optional in hardware).</summary>
    D1 = 1,

    /// <summary>Deeper sleep (optional in hardware).</summary>
    D2 = 2,

    /// <summary>Software-visible off: config space still answers, BARs do not.</summary>
    D3hot = 3,

    /// <summary>Power removed by the platform: nothing answers (all-ones reads, or a hung system).</summary>
    D3cold = 4,

    /// <summary>Not known (the PCI core's state before it first sets one).</summary>
    Unknown = 5,
}
