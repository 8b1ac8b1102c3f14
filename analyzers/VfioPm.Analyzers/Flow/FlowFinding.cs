using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>What the dataflow found; analyzers turn these into diagnostics.</summary>
internal enum FindingKind
{
    /// <summary>A PM reference still held where the method exits (VPM0001, or VPM0003 when it is get_sync's failure path).</summary>
    PmLeak,
    /// <summary>A PM put with no reference held on some path reaching it (VPM0002).</summary>
    PmUnderflow,
    /// <summary>memory_lock still held where the method exits (VPM0010).</summary>
    LockLeak,
    /// <summary>memory_lock released while not held (VPM0010).</summary>
    LockReleaseNotHeld,
    /// <summary>memory_lock acquired while already held by the same path: a self-deadlock (VPM0010).</summary>
    LockRecursive,
    /// <summary>The method's exit state disagrees with its declared contract (VPM0011).</summary>
    ContractMismatch,
    /// <summary>A return whose value, on some path, is the raw (possibly negative) result of a runtime-PM call (VPM0008 in handlers).</summary>
    RawPmResultReturned,
}

/// <summary>One finding of the dataflow.</summary>
/// <param name="Kind">What kind.</param>
/// <param name="Key">The device or lock expression.</param>
/// <param name="Location">Where to report (the exit, the put, the release).</param>
/// <param name="Related">The acquisition site, when there is one.</param>
/// <param name="Detail">Words for the message ("returns at line 12").</param>
/// <param name="GetSyncFailurePath">For a leak: the path is get_sync's failure path (VPM0003).</param>
/// <param name="HeldMode">For a lock leak: the mode every path reaching the exit holds it in; None when they differ.</param>
internal sealed record FlowFinding(FindingKind Kind, ResourceKey Key, Location Location, Location? Related, string Detail, bool GetSyncFailurePath = false,
    Contracts.LockMode HeldMode = Contracts.LockMode.None);
