using System;
using System.Globalization;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Linux;

// Parsers for the text the kernel prints in the sysfs attributes the reader looks at. Each returns false for text
// the kernel would not print, so the reader can report it.
internal static class SysfsText
{
    // The names power_state prints (spec §5.6); "error" (PCI_POWER_ERROR) has no PciPowerState and is handled apart.
    public static bool TryParsePowerState(string text, out PciPowerState state)
    {
        switch (text)
        {
            case "D0": state = PciPowerState.D0; return true;
            case "D1": state = PciPowerState.D1; return true;
            case "D2": state = PciPowerState.D2; return true;
            case "D3hot": state = PciPowerState.D3hot; return true;
            case "D3cold": state = PciPowerState.D3cold; return true;
            case "unknown": state = PciPowerState.Unknown; return true;
            default: state = default; return false;
        }
    }

    // What runtime_status_show() prints for the four rpm_status values (spec §4.17).
    public static bool TryParseRuntimeStatus(string text, out RpmStatus status)
    {
        switch (text)
        {
            case "active": status = RpmStatus.Active; return true;
            case "resuming": status = RpmStatus.Resuming; return true;
            case "suspended": status = RpmStatus.Suspended; return true;
            case "suspending": status = RpmStatus.Suspending; return true;
            default: status = default; return false;
        }
    }

    // vendor/device/class print "0x%04x" / "0x%06x"; the prefix is optional here, for hand-made trees.
    public static bool TryParseHex(string text, uint max, out uint value)
    {
        string digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text.Substring(2) : text;
        if (digits.Length == 0
            || !uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            || value > max)
        {
            value = 0;
            return false;
        }

        return true;
    }

    public static bool TryParseInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    // d3cold_allowed prints "%d" of a boolean.
    public static bool TryParseBool01(string text, out bool value)
    {
        switch (text)
        {
            case "0": value = false; return true;
            case "1": value = true; return true;
            default: value = false; return false;
        }
    }

    // A PCI device name as the kernel prints it: "%04x:%02x:%02x.%d" (domain, bus, device 0..31, function 0..7).
    // The domain may have more than four digits (VMD domains such as 10000).
    public static bool IsBdf(string name)
    {
        if (name is null)
        {
            return false;
        }

        int firstColon = name.IndexOf(':');
        if (firstColon < 4 || name.Length != firstColon + 8)
        {
            return false;
        }

        for (int i = 0; i < firstColon; i++)
        {
            if (!Uri.IsHexDigit(name[i]))
            {
                return false;
            }
        }

        string rest = name.Substring(firstColon + 1); // "bb:dd.f"
        return Uri.IsHexDigit(rest[0]) && Uri.IsHexDigit(rest[1]) && rest[2] == ':'
            && Uri.IsHexDigit(rest[3]) && Uri.IsHexDigit(rest[4]) && rest[5] == '.'
            && rest[6] >= '0' && rest[6] <= '7'
            && int.Parse(rest.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) <= 0x1F;
    }
}
