using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
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
    private const int EIO = 5;

    /// <summary>Creates a reader for the sysfs mounted at <paramref name="root"/>.</summary>
    /// <param name="root">The sysfs mount point; a test passes a fake tree. Null or empty means "/sys".</param>
    public SysfsPciReader(string root = "/sys")
    {
        // "/sys/" and "/sys" name one tree; paths built from it must not show "//".
        Root = string.IsNullOrEmpty(root) ? "/sys" : Path.TrimEndingDirectorySeparator(root);
        if (Root.Length == 0)
        {
            Root = "/";
        }
    }

    /// <summary>The sysfs mount point this reader reads under, without a trailing separator.</summary>
    public string Root { get; }

    /// <summary>The directory of PCI devices: <c>&lt;root&gt;/bus/pci/devices</c>.</summary>
    public string DevicesDirectory => Path.Combine(Root, "bus", "pci", "devices");

    /// <summary>Reads every device of <c>&lt;root&gt;/bus/pci/devices</c>, sorted by name. Never throws.</summary>
    /// <param name="problems">One line per problem, "path: reason": unreadable or unparsable attributes, bad entries.</param>
    /// <returns>The devices that could be located; an empty list when the directory is missing.</returns>
    public IReadOnlyList<SysfsPciDevice> ReadDevices(out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var devices = new List<SysfsPciDevice>();
        problems = found;

        string busDir = DevicesDirectory;
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
        var device = new DeviceReading(problems);

        string? powerStateText = device.Attribute(Path.Combine(devDir, "power_state"), "power_state");
        PciPowerState? powerState = ParsePowerState(Path.Combine(devDir, "power_state"), powerStateText, device);

        string runtimeStatusPath = Path.Combine(powerDir, "runtime_status");
        string? runtimeStatusText = device.Attribute(runtimeStatusPath, "runtime_status");
        RpmStatus? runtimeStatus = ParseRuntimeStatus(runtimeStatusPath, runtimeStatusText, device);

        // autosuspend_delay_ms_show() fails with -EIO while the driver does not use autosuspend: a reading, not a problem.
        string autosuspendPath = Path.Combine(powerDir, "autosuspend_delay_ms");
        SysfsRead autosuspend = SysfsAttributeFile.Read(autosuspendPath);
        bool? usesAutosuspend = autosuspend.Status switch
        {
            SysfsReadStatus.Read => true,
            SysfsReadStatus.Failed when autosuspend.Errno == EIO => false,
            _ => null,
        };
        int? autosuspendDelay = usesAutosuspend == false ? null : device.Int(autosuspendPath, "autosuspend_delay_ms", autosuspend);

        return new SysfsPciDevice
        {
            Bdf = bdf,
            SysfsPath = devDir,
            VendorId = (ushort?)device.Hex(Path.Combine(devDir, "vendor"), "vendor", 0xFFFF),
            DeviceId = (ushort?)device.Hex(Path.Combine(devDir, "device"), "device", 0xFFFF),
            ClassCode = device.Hex(Path.Combine(devDir, "class"), "class", 0xFFFFFF),
            PowerState = powerState,
            PowerStateText = powerStateText,
            RuntimeStatus = runtimeStatus,
            RuntimeStatusText = runtimeStatusText,
            Control = ReadControl(Path.Combine(powerDir, "control"), device),
            RuntimeUsage = device.Int(Path.Combine(powerDir, "runtime_usage"), "runtime_usage"),
            RuntimeActiveKids = device.Int(Path.Combine(powerDir, "runtime_active_kids"), "runtime_active_kids"),
            RuntimeActiveTimeMs = device.Long(Path.Combine(powerDir, "runtime_active_time"), "runtime_active_time"),
            RuntimeSuspendedTimeMs = device.Long(Path.Combine(powerDir, "runtime_suspended_time"), "runtime_suspended_time"),
            UsesAutosuspend = usesAutosuspend,
            AutosuspendDelayMs = autosuspendDelay,
            Wakeup = ReadWakeup(Path.Combine(powerDir, "wakeup"), device),
            D3ColdAllowed = device.Bool01(Path.Combine(devDir, "d3cold_allowed"), "d3cold_allowed"),
            Driver = ReadDriver(Path.Combine(devDir, "driver"), device),
            ParentBdf = parentName is not null && SysfsText.IsBdf(parentName) ? parentName : null,
            Unreadable = device.Unreadable,
        };
    }

    private static PciPowerState? ParsePowerState(string path, string? text, DeviceReading device)
    {
        if (text is null)
        {
            return null;
        }

        if (SysfsText.TryParsePowerState(text, out PciPowerState state))
        {
            return state;
        }

        if (text == "error")
        {
            device.Problems.Add($"{path}: the PCI core reports \"error\" (PCI_POWER_ERROR)");
        }
        else
        {
            device.Fail(path, "power_state", $"cannot parse \"{text}\" as a PCI power state");
        }

        return null;
    }

    private static RpmStatus? ParseRuntimeStatus(string path, string? text, DeviceReading device)
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
            device.Fail(path, "runtime_status", $"cannot parse \"{text}\" as a runtime PM status");
        }

        return null;
    }

    private static string? ReadControl(string path, DeviceReading device)
    {
        string? text = device.Attribute(path, "control");
        if (text is null or "auto" or "on")
        {
            return text;
        }

        device.Fail(path, "control", $"expected \"auto\" or \"on\", read \"{text}\"");
        return null;
    }

    // wakeup_show(): "enabled" or "disabled", or an empty line when the device cannot wake the system at all.
    private static string? ReadWakeup(string path, DeviceReading device)
    {
        string? text = device.Attribute(path, "wakeup");
        if (text is null or "enabled" or "disabled" or "")
        {
            return text;
        }

        device.Fail(path, "wakeup", $"expected \"enabled\", \"disabled\" or nothing, read \"{text}\"");
        return null;
    }

    // The driver is the basename of the "driver" symlink (…/bus/pci/drivers/<name>); no link means unbound.
    private static string? ReadDriver(string path, DeviceReading device)
    {
        try
        {
            string? target = new FileInfo(path).LinkTarget;
            if (target is null)
            {
                if (File.Exists(path) || Directory.Exists(path))
                {
                    device.Fail(path, "driver", "not a symbolic link");
                }

                return null;
            }

            string name = Path.GetFileName(target.TrimEnd('/'));
            if (name.Length == 0)
            {
                device.Fail(path, "driver", $"link target \"{target}\" has no name");
                return null;
            }

            return name;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            device.Fail(path, "driver", Describe(e));
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
