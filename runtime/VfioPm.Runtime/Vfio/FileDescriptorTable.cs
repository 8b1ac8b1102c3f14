using System.Collections.Generic;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// A process's file descriptor table: small integers mapped to open "files" (an <see cref="EventFd"/> or any other
/// object standing for a file), so that an ioctl can resolve an fd number supplied by user space. Thread-safe.
/// </summary>
// models struct files_struct / struct fdtable of one process
public sealed class FileDescriptorTable
{
    /// <summary>The lowest descriptor <see cref="Install"/> hands out: 0, 1 and 2 are stdin/stdout/stderr.</summary>
    public const int FirstFd = 3;

    private readonly object _lock = new();
    private readonly Dictionary<int, object> _files = new();

    /// <summary>The number of open descriptors.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _files.Count;
            }
        }
    }

    /// <summary>Installs <paramref name="file"/> at the lowest free descriptor at or above <see cref="FirstFd"/>.</summary>
    /// <param name="file">The open file. The same object may be installed more than once (like dup(2)).</param>
    /// <returns>The new descriptor, or <c>-EINVAL</c> for a null file.</returns>
    // models get_unused_fd_flags() + fd_install(): POSIX requires the lowest free number.
    public int Install(object file)
    {
        if (file is null)
        {
            return -Errno.EINVAL;
        }

        lock (_lock)
        {
            int fd = FirstFd;
            while (_files.ContainsKey(fd))
            {
                fd++;
            }

            _files.Add(fd, file);
            return fd;
        }
    }

    /// <summary>
    /// Closes descriptor <paramref name="fd"/>. When it was the table's last descriptor for an <see cref="EventFd"/>,
    /// that eventfd is released (<see cref="EventFd.Close"/>).
    /// </summary>
    /// <param name="fd">The descriptor.</param>
    /// <returns>0, or <c>-EBADF</c> when <paramref name="fd"/> is not open.</returns>
    // models close(2) -> close_fd() -> fput(): the file goes away with its last reference.
    public int Close(int fd)
    {
        EventFd? release = null;
        lock (_lock)
        {
            if (!_files.Remove(fd, out object? file))
            {
                return -Errno.EBADF;
            }

            if (file is EventFd eventFd && !_files.ContainsValue(eventFd))
            {
                release = eventFd;
            }
        }

        release?.Close();
        return 0;
    }

    /// <summary>Looks up the file behind descriptor <paramref name="fd"/>.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="file">The file, or null.</param>
    /// <returns>0, or <c>-EBADF</c> when <paramref name="fd"/> is negative or not open.</returns>
    // models fget()
    public int TryGet(int fd, out object? file)
    {
        lock (_lock)
        {
            if (fd >= 0 && _files.TryGetValue(fd, out file))
            {
                return 0;
            }

            file = null;
            return -Errno.EBADF;
        }
    }

    /// <summary>Resolves a user-supplied descriptor to an eventfd.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="ctx">The eventfd on success, else null.</param>
    /// <returns>
    /// 0; <c>-EBADF</c> when <paramref name="fd"/> is negative, not open, or names an eventfd that was released;
    /// <c>-EINVAL</c> when the file is not an eventfd.
    /// </returns>
    /// <remarks>
    /// The LOW_POWER_ENTRY_WITH_WAKEUP handler rejects a negative fd with <c>-EINVAL</c> itself before calling this
    /// (spec §3.5.3, step 3), so the <c>-EBADF</c> for negatives here is only seen by other callers. The kernel takes a
    /// reference on the context; the model has no reference counts, and a released eventfd stays observable through
    /// <see cref="EventFd.IsClosed"/>.
    /// </remarks>
    // models eventfd_ctx_fdget(): fdget() failing is -EBADF, a file with other f_ops is -EINVAL.
    public int ResolveEventFd(int fd, out EventFd? ctx)
    {
        ctx = null;
        int ret = TryGet(fd, out object? file);
        if (ret != 0)
        {
            return ret;
        }

        if (file is not EventFd eventFd)
        {
            return -Errno.EINVAL;
        }

        if (eventFd.IsClosed)
        {
            return -Errno.EBADF;
        }

        ctx = eventFd;
        return 0;
    }
}
