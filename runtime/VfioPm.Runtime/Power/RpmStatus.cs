namespace VfioPm.Runtime.Power;

/// <summary>Runtime PM status of a device (<c>enum rpm_status</c>; the values match the kernel's).</summary>
public enum RpmStatus
{
    /// <summary>Fully functional; the device may be accessed.</summary>
    Active = 0,

    /// <summary>The runtime-resume callback is running.</summary>
    Resuming = 1,

    /// <summary>Runtime suspended: the device must not be accessed.</summary>
    Suspended = 2,

    /// <summary>The runtime-suspend callback is running.</summary>
    Suspending = 3,
}
