using System.Collections.Generic;
using System.Globalization;

namespace VfioPm.Runtime.Linux;

/// <summary>
/// The attribute reads of one device: each present-but-unusable attribute is one "path: reason" line in the
/// reader's problem list and its name in <see cref="Unreadable"/>, so a table can print "?" rather than "-" (absent).
/// </summary>
internal sealed class DeviceReading
{
    private readonly HashSet<string> _unreadable = new(System.StringComparer.Ordinal);

    public DeviceReading(List<string> problems) => Problems = problems;

    /// <summary>The reader's problem list (shared by every device).</summary>
    public List<string> Problems { get; }

    /// <summary>The attributes that exist but could not be read or parsed.</summary>
    public IReadOnlySet<string> Unreadable => _unreadable;

    /// <summary>The trimmed text, or null when absent (silently) or unreadable (reported).</summary>
    public string? Attribute(string path, string name) => Text(path, name, SysfsAttributeFile.Read(path));

    /// <summary>Records <paramref name="name"/> as unusable, with <paramref name="reason"/>; returns null for chaining.</summary>
    public int? Fail(string path, string name, string reason)
    {
        Problems.Add($"{path}: {reason}");
        _unreadable.Add(name);
        return null;
    }

    public uint? Hex(string path, string name, uint max)
    {
        string? text = Attribute(path, name);
        if (text is null)
        {
            return null;
        }

        if (SysfsText.TryParseHex(text, max, out uint value))
        {
            return value;
        }

        Fail(path, name, $"cannot parse \"{text}\" as a hexadecimal value up to 0x{max:x}");
        return null;
    }

    public int? Int(string path, string name) => Int(path, name, SysfsAttributeFile.Read(path));

    /// <summary>An integer attribute from a read already made.</summary>
    public int? Int(string path, string name, SysfsRead read)
    {
        string? text = Text(path, name, read);
        if (text is null)
        {
            return null;
        }

        return SysfsText.TryParseInt(text, out int value) ? value : Fail(path, name, $"cannot parse \"{text}\" as an integer");
    }

    // runtime_active_time / runtime_suspended_time print "%llu" milliseconds.
    public long? Long(string path, string name)
    {
        string? text = Attribute(path, name);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            return value;
        }

        Fail(path, name, $"cannot parse \"{text}\" as a count of milliseconds");
        return null;
    }

    public bool? Bool01(string path, string name)
    {
        string? text = Attribute(path, name);
        if (text is null)
        {
            return null;
        }

        if (SysfsText.TryParseBool01(text, out bool value))
        {
            return value;
        }

        Fail(path, name, $"cannot parse \"{text}\" as 0 or 1");
        return null;
    }

    private string? Text(string path, string name, SysfsRead read)
    {
        if (read.Status == SysfsReadStatus.Failed)
        {
            Fail(path, name, read.Error!);
        }

        return read.Text;
    }
}
