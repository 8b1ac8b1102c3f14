using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace VfioPm.Runtime.Linux;

/// <summary>The outcome of reading one sysfs attribute.</summary>
internal enum SysfsReadStatus
{
    /// <summary>The file does not exist (many attributes are optional): not a problem.</summary>
    Absent,

    /// <summary>The text was read.</summary>
    Read,

    /// <summary>The file exists but could not be read; <see cref="SysfsRead.Error"/> says why.</summary>
    Failed,
}

/// <summary>What <see cref="SysfsAttributeFile.Read"/> found.</summary>
/// <param name="Status">Absent, read or failed.</param>
/// <param name="Text">The trimmed text when read.</param>
/// <param name="Error">Why it failed, for a "path: reason" line.</param>
/// <param name="Errno">The errno of a failed open or read (0 when not from the OS), e.g. EIO from a show() callback.</param>
internal readonly record struct SysfsRead(SysfsReadStatus Status, string? Text, string? Error, int Errno);

/// <summary>
/// Reads one sysfs attribute without ever blocking: a real attribute is a regular file of at most a page whose read
/// returns at once. A tree handed to the reader may hold anything else under an attribute's name — a directory, a
/// FIFO (whose plain open() waits for a writer forever), a socket, a device — so the file is opened with
/// O_NONBLOCK, refused unless it is seekable (FIFOs and sockets are not), read at most one page and for at most
/// <see cref="Deadline"/>.
/// </summary>
internal static class SysfsAttributeFile
{
    /// <summary>A sysfs attribute is at most one page (PAGE_SIZE, sysfs_emit's limit).</summary>
    public const int MaxBytes = 4096;

    /// <summary>How long the reads of one attribute may take in total.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1);

    // Linux generic (x86-64, arm64, riscv) open(2) flags and errno values.
    private const int ORdOnly = 0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int SeekCur = 1;
    private const int ENOENT = 2;
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int EACCES = 13;
    private const int ENOTDIR = 20;
    private const int EISDIR = 21;
    private const int ESPIPE = 29;

    /// <summary>Reads <paramref name="path"/>. Never throws for file-system reasons and never blocks.</summary>
    public static SysfsRead Read(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return Failed("a directory, not an attribute file", EISDIR);
            }

            return OperatingSystem.IsLinux() ? ReadLinux(path) : ReadPortable(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new SysfsRead(SysfsReadStatus.Absent, null, null, ENOENT);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException or ArgumentException)
        {
            return Failed(e is UnauthorizedAccessException ? "permission denied" : e.Message, 0);
        }
    }

    private static SysfsRead ReadLinux(string path)
    {
        int fd = Open(Encoding.UTF8.GetBytes(path + "\0"), ORdOnly | ONonBlock | OCloExec | ONoCtty);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR
                ? new SysfsRead(SysfsReadStatus.Absent, null, null, errno)
                : Failed(errno == EACCES ? "permission denied" : Describe(errno), errno);
        }

        try
        {
            if (Seek(fd, 0, SeekCur) < 0 && Marshal.GetLastPInvokeError() == ESPIPE)
            {
                return Failed("not a regular file (a FIFO or socket): not read", ESPIPE);
            }

            var buffer = new byte[MaxBytes];
            int total = 0;
            var clock = Stopwatch.StartNew();
            while (total < buffer.Length)
            {
                if (clock.Elapsed > Deadline)
                {
                    return Failed($"no end of file within {Deadline.TotalSeconds:0.#} s: not an attribute file", 0);
                }

                nint n = ReadBytes(fd, ref buffer[total], buffer.Length - total);
                if (n == 0)
                {
                    break;
                }

                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR)
                    {
                        continue;
                    }

                    return Failed(errno == EAGAIN ? "no data without waiting (a device or pipe, not an attribute file)" : Describe(errno), errno);
                }

                total += (int)n;
            }

            return Text(buffer, total);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // Elsewhere (no O_NONBLOCK to ask for): a bounded read through FileStream.
    private static SysfsRead ReadPortable(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        if (!stream.CanSeek)
        {
            return Failed("not a regular file: not read", 0);
        }

        var buffer = new byte[MaxBytes];
        int total = 0;
        int n;
        while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += n;
        }

        return Text(buffer, total);
    }

    // Attributes are ASCII text; anything else (a device's binary output) is not shown raw.
    private static SysfsRead Text(byte[] buffer, int length)
    {
        for (int i = 0; i < length; i++)
        {
            byte b = buffer[i];
            if (b is < 0x20 and not (byte)'\n' and not (byte)'\t' || b >= 0x7F)
            {
                return Failed("not text (binary content): not shown", 0);
            }
        }

        return new SysfsRead(SysfsReadStatus.Read, Encoding.ASCII.GetString(buffer, 0, length).Trim(), null, 0);
    }

    private static SysfsRead Failed(string error, int errno) => new(SysfsReadStatus.Failed, null, error, errno);

    private static string Describe(int errno) => errno switch
    {
        5 => "input/output error (EIO)",
        19 => "no such device (ENODEV)",
        6 => "no such device or address (ENXIO)",
        _ => "error " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint ReadBytes(int fd, ref byte buffer, nint count);

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern long Seek(int fd, long offset, int whence);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
