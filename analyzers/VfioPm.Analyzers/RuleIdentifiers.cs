namespace VfioPm.Analyzers;

/// <summary>Every VfioPm diagnostic id, once. Descriptors, code fixes and tests name rules through these.</summary>
internal static class RuleIdentifiers
{
    /// <summary>A runtime-PM reference taken and not put on some path.</summary>
    public const string UnbalancedGet = "VPM0001";

    /// <summary>A runtime-PM put with no reference held on some path.</summary>
    public const string UnbalancedPut = "VPM0002";

    /// <summary>GetSync's failure path returns without a put.</summary>
    public const string GetSyncLeakOnError = "VPM0003";

    /// <summary>Device access without memory_lock.</summary>
    public const string AccessWithoutMemoryLock = "VPM0004";

    /// <summary>Device access needing memory_lock for write under a read hold.</summary>
    public const string AccessNeedsExclusiveLock = "VPM0005";

    /// <summary>Device access without a runtime-PM reference (or with a count but no known-active device).</summary>
    public const string AccessWithoutPmReference = "VPM0006";

    /// <summary>Synchronous runtime resume/suspend while holding memory_lock.</summary>
    public const string SyncTransitionUnderMemoryLock = "VPM0007";

    /// <summary>A raw runtime-PM error returned to user space.</summary>
    public const string UnmaskedResumeError = "VPM0008";

    /// <summary>A [GuardedBy] member accessed without its lock.</summary>
    public const string GuardedMemberWithoutLock = "VPM0009";

    /// <summary>memory_lock not balanced.</summary>
    public const string UnbalancedMemoryLock = "VPM0010";

    /// <summary>A body that disagrees with its declared contract, or a malformed contract.</summary>
    public const string ContractMismatch = "VPM0011";
}
