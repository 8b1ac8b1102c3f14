using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using System.Text;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Linux;

/// <summary>
/// Reads the power-management view of the host's PCI devices from sysfs (read-only): every entry of
/// <c>&lt;root&gt;/bus/pci/devices</c> with its IDs, <c>power_state</c>, <c>d3cold_allowed</c>, the runtime-PM attributes
/// under <c>power/</c>, the bound driver and the upstream bridge.
/// </summary>
/// <remarks>
/// Absent attributes are simply null (many are debug-only or depend on the kernel). Attributes that exist but cannot be
/// read or parsed are null too and are described in the <c>problems</c> list. Nothing is ever written.
/// </remarks>
public sealed class SysfsPciReader
{
    // A sysfs attribute is at most one page; reading no more keeps a hand-made tree with a huge file harmless.
    private const int MaxAttributeBytes = 4096;

    /// <summary>Creates a reader for the sysfs mounted at <paramref name="root"/>.</summary>
    /// <param name="root">The sysfs mount point; a test passes a fake tree. Null or empty means "/sys".</param>
    public SysfsPciReader(string root = "/sys")
    {
        Root = string.IsNullOrEmpty(root) ? "/sys" : root;
    }

    /// <summary>The sysfs mount point this reader reads under.</summary>
    public string Root { get; }

    /// <summary>Reads every device of <c>&lt;root&gt;/bus/pci/devices</c>, sorted by name. Never throws.</summary>
    /// <param name="problems">One line per problem, "path: reason": unreadable or unparsable attributes, bad entries.</param>
    /// <returns>The devices that could be located; an empty list when the directory is missing.</returns>
    public IReadOnlyList<SysfsPciDevice> ReadDevices(out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var devices = new List<SysfsPciDevice>();
        problems = found;

        string busDir = Path.Combine(Root, "bus", "pci", "devices");
        var entries = new List<string>();
        try
        {
            entries.AddRange(Directory.EnumerateFileSystemEntries(busDir));
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            found.Add($"{busDir}: {Describe(e)}");
            return devices;
        }

        entries.Sort(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            try
            {
                SysfsPciDevice? device = ReadDevice(entry, found);
                if (device is not null)
                {
                    devices.Add(device);
                }
            }
            catch (Exception e) when (IsFileSystemError(e))
            {
                // Each attribute read catches its own errors; this is the backstop for path resolution surprises.
                found.Add($"{entry}: {Describe(e)}");
            }
        }

        return devices;
    }

    private static SysfsPciDevice? ReadDevice(string entry, List<string> problems)
    {
        string bdf = Path.GetFileName(entry);
        if (!SysfsText.IsBdf(bdf))
        {
            problems.Add($"{entry}: not a PCI device name");
            return null;
        }

        // The bus entry is a symlink into /sys/devices/pci<domain>:<bus>/...; its real location gives the topology.
        string devDir = Path.GetFullPath(Directory.ResolveLinkTarget(entry, returnFinalTarget: true)?.FullName ?? entry);
        if (!Directory.Exists(devDir))
        {
            problems.Add($"{entry}: link target {devDir} does not exist");
            return null;
        }

        string? parentName = Path.GetFileName(Path.GetDirectoryName(devDir));
        string powerDir = Path.Combine(devDir, "power");

        string? powerStateText = ReadAttribute(Path.Combine(devDir, "power_state"), problems);
        PciPowerState? powerState = ParsePowerState(Path.Combine(devDir, "power_state"), powerStateText, problems);

        string runtimeStatusPath = Path.Combine(powerDir, "runtime_status");
        string? runtimeStatusText = ReadAttribute(runtimeStatusPath, problems);
        RpmStatus? runtimeStatus = ParseRuntimeStatus(runtimeStatusPath, runtimeStatusText, problems);

        return new SysfsPciDevice
        {
            Bdf = bdf,
            SysfsPath = devDir,
            VendorId = (ushort?)ReadHex(Path.Combine(devDir, "vendor"), 0xFFFF, problems),
            DeviceId = (ushort?)ReadHex(Path.Combine(devDir, "device"), 0xFFFF, problems),
            ClassCode = ReadHex(Path.Combine(devDir, "class"), 0xFFFFFF, problems),
            PowerState = powerState,
            PowerStateText = powerStateText,
            RuntimeStatus = runtimeStatus,
            RuntimeStatusText = runtimeStatusText,
            Control = ReadControl(Path.Combine(powerDir, "control"), problems),
            RuntimeUsage = ReadInt(Path.Combine(powerDir, "runtime_usage"), problems),
            RuntimeActiveKids = ReadInt(Path.Combine(powerDir, "runtime_active_kids"), problems),
            D3ColdAllowed = ReadBool(Path.Combine(devDir, "d3cold_allowed"), problems),
            Driver = ReadDriver(Path.Combine(devDir, "driver"), problems),
            ParentBdf = parentName is not null && SysfsText.IsBdf(parentName) ? parentName : null,
        };
    }

    // Returns the trimmed text, or null when the file is absent (silently) or unreadable (reported).
    private static string? ReadAttribute(string path, List<string> problems)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            var buffer = new byte[MaxAttributeBytes];
            int total = 0;
            int n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += n;
            }

            return Encoding.UTF8.GetString(buffer, 0, total).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            problems.Add($"{path}: {Describe(e)}");
            return null;
        }
    }

    private static PciPowerState? ParsePowerState(string path, string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (SysfsText.TryParsePowerState(text, out PciPowerState state))
        {
            return state;
        }

        problems.Add(text == "error"
            ? $"{path}: the PCI core reports \"error\" (PCI_POWER_ERROR)"
            : $"{path}: cannot parse \"{text}\" as a PCI power state");
        return null;
    }

    private static RpmStatus? ParseRuntimeStatus(string path, string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (SysfsText.TryParseRuntimeStatus(text, out RpmStatus status))
        {
            return status;
        }

        // "error" (a latched runtime_error) and "unsupported" (runtime PM disabled) are real readings, not problems.
        if (text is not ("error" or "unsupported"))
        {
            problems.Add($"{path}: cannot parse \"{text}\" as a runtime PM status");
        }

        return null;
    }

    private static uint? ReadHex(string path, uint max, List<string> problems)
    {
        string? text = ReadAttribute(path, problems);
        if (text is null)
        {
            return null;
        }

        if (SysfsText.TryParseHex(text, max, out uint value))
        {
            return value;
        }

        problems.Add($"{path}: cannot parse \"{text}\" as a hexadecimal value up to 0x{max:x}");
        return null;
    }

    private static int? ReadInt(string path, List<string> problems)
    {
        string? text = ReadAttribute(path, problems);
        if (text is null)
        {
            return null;
        }

        if (SysfsText.TryParseInt(text, out int value))
        {
            return value;
        }

        problems.Add($"{path}: cannot parse \"{text}\" as an integer");
        return null;
    }

    private static bool? ReadBool(string path, List<string> problems)
    {
        string? text = ReadAttribute(path, problems);
        if (text is null)
        {
            return null;
        }

        if (SysfsText.TryParseBool01(text, out bool value))
        {
            return value;
        }

        problems.Add($"{path}: cannot parse \"{text}\" as 0 or 1");
        return null;
    }

    private static string? ReadControl(string path, List<string> problems)
    {
        string? text = ReadAttribute(path, problems);
        if (text is null or "auto" or "on")
        {
            return text;
        }

        problems.Add($"{path}: expected \"auto\" or \"on\", read \"{text}\"");
        return null;
    }

    // The driver is the basename of the "driver" symlink (…/bus/pci/drivers/<name>); no link means unbound.
    private static string? ReadDriver(string path, List<string> problems)
    {
        try
        {
            string? target = new FileInfo(path).LinkTarget;
            if (target is null)
            {
                if (File.Exists(path) || Directory.Exists(path))
                {
                    problems.Add($"{path}: not a symbolic link");
                }

                return null;
            }

            string name = Path.GetFileName(target.TrimEnd('/'));
            if (name.Length == 0)
            {
                problems.Add($"{path}: link target \"{target}\" has no name");
                return null;
            }

            return name;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            problems.Add($"{path}: {Describe(e)}");
            return null;
        }
    }

    private static bool IsFileSystemError(Exception e) =>
        e is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException
            or ArgumentException or PathTooLongException;

    private static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "not found",
        _ => e.Message,
    };
}
