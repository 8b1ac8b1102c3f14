using System;
using System.IO;
using System.Threading.Tasks;
using VfioPm.Runtime.Linux;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Linux;

/// <summary>One attribute read never blocks, never throws, and never returns what is not attribute text.</summary>
public sealed class SysfsAttributeFileTests : IDisposable
{
    private readonly FakeSysfs _sys = new();
    private readonly string _dir;

    public SysfsAttributeFileTests() => _dir = _sys.AddDevice("pci0000:00/0000:00:02.0");

    public void Dispose() => _sys.Dispose();

    [Fact]
    public void TextIsTrimmed()
    {
        _sys.Write(_dir, "power_state", "D3hot");
        Assert.Equal(new SysfsRead(SysfsReadStatus.Read, "D3hot", null, 0), SysfsAttributeFile.Read(Path.Combine(_dir, "power_state")));
    }

    [Fact]
    public void AbsentIsAbsentNotAFailure()
    {
        Assert.Equal(SysfsReadStatus.Absent, SysfsAttributeFile.Read(Path.Combine(_dir, "nothing")).Status);
        Assert.Equal(SysfsReadStatus.Absent, SysfsAttributeFile.Read(Path.Combine(_dir, "nothing", "below")).Status);
    }

    [Fact]
    public async Task FifoIsRefusedWithoutBlocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _sys.Fifo(_dir, "power_state");

        // A plain open() of a FIFO without a writer never returns: the read must finish on its own.
        // (WaitAsync throws TimeoutException if it blocks.)
        var read = await Task.Run(() => SysfsAttributeFile.Read(Path.Combine(_dir, "power_state"))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SysfsReadStatus.Failed, read.Status);
        Assert.Contains("FIFO", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryIsNotAnAttribute()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "class"));
        var read = SysfsAttributeFile.Read(Path.Combine(_dir, "class"));
        Assert.Equal((SysfsReadStatus.Failed, "a directory, not an attribute file"), (read.Status, read.Error));
    }

    [Fact]
    public void BinaryContentIsNotShown()
    {
        File.WriteAllBytes(Path.Combine(_dir, "vendor"), new byte[] { 0x30, 0x78, 0x00, 0xFF, 0x1B });
        var read = SysfsAttributeFile.Read(Path.Combine(_dir, "vendor"));
        Assert.Equal((SysfsReadStatus.Failed, (string?)null), (read.Status, read.Text));
        Assert.Contains("not text", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsAtMostOnePage()
    {
        File.WriteAllText(Path.Combine(_dir, "device"), new string('7', 3 * SysfsAttributeFile.MaxBytes));
        Assert.Equal(SysfsAttributeFile.MaxBytes, SysfsAttributeFile.Read(Path.Combine(_dir, "device")).Text!.Length);
    }

    [Fact]
    public void AutosuspendDelayOnThisMachineIsAValueOrTheKernelsEio()
    {
        // autosuspend_delay_ms answers -EIO while a driver does not use autosuspend: the reader must see errno 5.
        string? sample = null;
        if (Directory.Exists("/sys/bus/pci/devices"))
        {
            foreach (var device in Directory.EnumerateDirectories("/sys/bus/pci/devices"))
            {
                if (File.Exists(Path.Combine(device, "power", "autosuspend_delay_ms")))
                {
                    sample = Path.Combine(device, "power", "autosuspend_delay_ms");
                    break;
                }
            }
        }

        if (sample is null || !OperatingSystem.IsLinux())
        {
            return; // no PCI bus visible (container, non-Linux)
        }

        var read = SysfsAttributeFile.Read(sample);
        Assert.True(
            read.Status == SysfsReadStatus.Read && int.TryParse(read.Text, out _) || read.Status == SysfsReadStatus.Failed && read.Errno == 5,
            $"{sample}: {read}");
    }
}
