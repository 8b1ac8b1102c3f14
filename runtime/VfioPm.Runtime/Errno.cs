namespace VfioPm.Runtime;

/// <summary>
/// Linux errno values (x86/generic). Kernel-style results are 0 or positive on success and <c>-Errno.X</c> on failure.
/// </summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;
    /// <summary>I/O error.</summary>
    public const int EIO = 5;
    /// <summary>No such device or address.</summary>
    public const int ENXIO = 6;
    /// <summary>Argument list too long.</summary>
    public const int E2BIG = 7;
    /// <summary>Bad file descriptor.</summary>
    public const int EBADF = 9;
    /// <summary>Try again.</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;
    /// <summary>Permission denied (runtime PM: disabled).</summary>
    public const int EACCES = 13;
    /// <summary>Bad address.</summary>
    public const int EFAULT = 14;
    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;
    /// <summary>No such device.</summary>
    public const int ENODEV = 19;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>Inappropriate ioctl for device.</summary>
    public const int ENOTTY = 25;
    /// <summary>No space left on device.</summary>
    public const int ENOSPC = 28;
    /// <summary>Function not implemented.</summary>
    public const int ENOSYS = 38;
    /// <summary>Value too large for defined data type.</summary>
    public const int EOVERFLOW = 75;
    /// <summary>Operation now in progress.</summary>
    public const int EINPROGRESS = 115;

    /// <summary>The kernel's symbolic name for a result: "0", "1", "-EIO", or the number when unknown.</summary>
    public static string Describe(int result) => result switch
    {
        >= 0 => result.ToString(System.Globalization.CultureInfo.InvariantCulture),
        -EPERM => "-EPERM",
        -ENOENT => "-ENOENT",
        -EIO => "-EIO",
        -ENXIO => "-ENXIO",
        -E2BIG => "-E2BIG",
        -EBADF => "-EBADF",
        -EAGAIN => "-EAGAIN",
        -ENOMEM => "-ENOMEM",
        -EACCES => "-EACCES",
        -EFAULT => "-EFAULT",
        -EBUSY => "-EBUSY",
        -ENODEV => "-ENODEV",
        -EINVAL => "-EINVAL",
        -ENOTTY => "-ENOTTY",
        -ENOSPC => "-ENOSPC",
        -ENOSYS => "-ENOSYS",
        -EOVERFLOW => "-EOVERFLOW",
        -EINPROGRESS => "-EINPROGRESS",
        _ => result.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
