using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace VfioPm.Runtime.Tests.TestKit;

/// <summary>
/// A fake sysfs tree in a temporary directory: devices under <c>devices/pci0000:00/...</c>, each linked from
/// <c>bus/pci/devices/&lt;bdf&gt;</c> as the kernel links them, with attribute files, and with special files (FIFOs,
/// directories, binary content) where a real attribute would be.
/// </summary>
public sealed class FakeSysfs : IDisposable
{
    public FakeSysfs()
    {
        Root = Path.Combine(Path.GetTempPath(), "vfiopm-fakesys-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "bus", "pci", "devices"));
        Directory.CreateDirectory(Path.Combine(Root, "bus", "pci", "drivers"));
    }

    /// <summary>The tree's root (what <c>--sysfs</c> names).</summary>
    public string Root { get; }

    /// <summary>Adds a device at <paramref name="relative"/> below <c>devices/</c> (its last part is the BDF); returns its directory.</summary>
    public string AddDevice(string relative)
    {
        string dir = Path.Combine(Root, "devices", relative);
        Directory.CreateDirectory(Path.Combine(dir, "power"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "bus", "pci", "devices", Path.GetFileName(relative)), "../../../devices/" + relative);
        return dir;
    }

    /// <summary>Writes an attribute as the kernel prints it (text and a newline).</summary>
    public void Write(string dir, string attribute, string text) => File.WriteAllText(Path.Combine(dir, attribute), text + "\n");

    /// <summary>Binds the device to <paramref name="driver"/> (the <c>driver</c> symlink).</summary>
    public void Bind(string dir, string driver)
    {
        string target = Path.Combine(Root, "bus", "pci", "drivers", driver);
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(Path.Combine(dir, "driver"), target);
    }

    /// <summary>Makes <paramref name="attribute"/> a FIFO: a plain open() for reading would wait for a writer forever.</summary>
    public void Fifo(string dir, string attribute)
    {
        string path = Path.Combine(dir, attribute);
        if (MkFifo(Encoding.UTF8.GetBytes(path + "\0"), Convert.ToUInt32("644", 8)) != 0)
        {
            throw new IOException($"mkfifo {path}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MkFifo(byte[] path, uint mode);
}
