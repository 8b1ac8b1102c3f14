namespace VfioPm.Analyzers.Contracts;

/// <summary>Which results of a conditional acquire mean "held" (mirrors <c>VfioPm.Annotations.PmReferenceSuccess</c>).</summary>
internal enum SuccessWhen
{
    Zero = 0,
    NonNegative = 1,
    Positive = 2,
    /// <summary>A bool-returning try-acquire: true means held.</summary>
    True = 3,
}

/// <summary>A memory_lock mode (mirrors <c>VfioPm.Annotations.MemoryLockMode</c>), ordered by strength.</summary>
internal enum LockMode
{
    None = 0,
    Shared = 1,
    Exclusive = 2,
}

/// <summary>What a method's attributes promise. <see langword="null"/> targets mean the receiver itself.</summary>
internal sealed record MethodContract
{
    public static readonly MethodContract Empty = new();

    public bool AcquiresPm { get; init; }
    public string? AcquiresPmTarget { get; init; }
    public bool AcquiresPmOnSuccess { get; init; }
    public SuccessWhen AcquiresPmSuccess { get; init; }
    /// <summary>
    /// The latched bool that waives the acquire: when true (<c>Unless = "DisableIdleD3"</c>), or when false with a leading
    /// <c>!</c> (<c>When = "DriverHasPmOps"</c> is read as <c>"!DriverHasPmOps"</c>). On a static method a name that is not
    /// a parameter is already resolved under the device parameter ("dev.X").
    /// </summary>
    public string? AcquiresPmUnless { get; init; }
    public bool ReleasesPm { get; init; }
    public string? ReleasesPmTarget { get; init; }
    /// <summary>The release happens only when the result is a success (<c>vfio_pci_runtime_pm_entry</c>).</summary>
    public bool ReleasesPmOnSuccess { get; init; }
    /// <summary>The release happens only when the result is a failure: the method consumes the caller's reference when it fails.</summary>
    public bool ReleasesPmOnFailure { get; init; }
    public SuccessWhen ReleasesPmSuccess { get; init; }
    /// <summary>The latched bool that waives the release, in the form of <see cref="AcquiresPmUnless"/>.</summary>
    public string? ReleasesPmUnless { get; init; }
    /// <summary>Both <c>When</c> and <c>Unless</c> set on one PM attribute: a malformed contract (VPM0011).</summary>
    public bool PmConditionConflict { get; init; }
    public bool RequiresPm { get; init; }
    public string? RequiresPmTarget { get; init; }

    /// <summary>[MayRunPmCallbacks]: may run the callbacks of the receiver's device (or <see cref="MayRunPmCallbacksTarget"/>).</summary>
    public bool MayRunPmCallbacks { get; init; }
    public string? MayRunPmCallbacksTarget { get; init; }

    /// <summary>[NoConcurrentUsers]: memory_lock is not needed for device access inside the method.</summary>
    public bool NoConcurrentUsers { get; init; }
    public LockMode AcquiresLock { get; init; }
    public string? AcquiresLockTarget { get; init; }
    public bool ReleasesLock { get; init; }
    public string? ReleasesLockTarget { get; init; }
    public LockMode RequiresLock { get; init; }
    public string? RequiresLockTarget { get; init; }
    public bool ExcludesLock { get; init; }
    /// <summary>The lock [ExcludesMemoryLock] names (<c>"vdev.MemoryLock"</c>), or <see langword="null"/>: then any memory_lock held counts.</summary>
    public string? ExcludesLockTarget { get; init; }
    public LockMode DeviceAccess { get; init; }
    public bool DeviceAccessLockFree { get; init; }
    public bool IsDeviceAccess { get; init; }
    public bool IsRuntimePmCallback { get; init; }

    /// <summary>A BCL monitor (lock statement) acquire/release: tracked for [GuardedBy] only, not as memory_lock.</summary>
    public bool IsMonitor { get; init; }

    public bool IsEmpty =>
        !AcquiresPm && !ReleasesPm && !RequiresPm && AcquiresLock == LockMode.None && !ReleasesLock
        && RequiresLock == LockMode.None && !ExcludesLock && !IsDeviceAccess && !IsRuntimePmCallback && !MayRunPmCallbacks && !NoConcurrentUsers;
}

/// <summary>
/// [OwnsPmReference]/[ForgoesPmReference] on a field or get-only property: the object's ownership of one reference on
/// <see cref="Device"/> (a member path of the declaring type) follows the member's value.
/// </summary>
/// <param name="Device">The device's member path, relative to the member's owner.</param>
/// <param name="Forgoes">True for [ForgoesPmReference]: while set, the object has given up a reference.</param>
/// <param name="Unless">A latched bool member of the owner that, when true, makes the member own nothing.</param>
/// <param name="Counted">The integer member counts the references it owns: one per unit of increment or decrement.</param>
internal sealed record StateOwnership(string Device, bool Forgoes, string? Unless, bool Counted = false);
