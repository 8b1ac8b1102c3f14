namespace VfioPm.Runtime.Pci;

/// <summary>
/// Platform power control of a slot (ACPI <c>_PR3</c> <c>_ON</c>/<c>_OFF</c>). The simulated platform implements it, with
/// fault injection.
/// </summary>
public interface IPciPlatformPower
{
    /// <summary>Whether the platform can remove power from <paramref name="device"/> (<c>platform_pci_power_manageable</c> + D3cold support).</summary>
    bool CanPowerOff(PciDevice device);

    /// <summary>Cut power (<c>_OFF</c>). Returns 0, or an error: the device then stays in D3hot.</summary>
    int PowerOff(PciDevice device);

    /// <summary>Restore power (<c>_ON</c>). Returns 0 or an error.</summary>
    int PowerOn(PciDevice device);
}
