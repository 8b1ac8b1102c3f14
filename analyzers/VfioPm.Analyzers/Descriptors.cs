using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers;

/// <summary>Every diagnostic VfioPm reports, in one place: ids, categories, default severities and help links.</summary>
internal static class Descriptors
{
    private const string HelpBase = "https://github.com/vfiopm/vfiopm/blob/main/docs/rules/";
    private const string RuntimePm = "VfioPm.RuntimePm";
    private const string Locking = "VfioPm.Locking";
    private const string Uapi = "VfioPm.Uapi";
    private const string Contracts = "VfioPm.Contracts";

    /// <summary>VPM0001: a reference taken and not put on some path.</summary>
    public static readonly DiagnosticDescriptor UnbalancedGet = Rule(
        RuleIdentifiers.UnbalancedGet, RuntimePm,
        "Runtime-PM reference not released on every path",
        "The runtime-PM reference taken on '{0}' is not put on the path that {1}",
        "A usage-count reference taken with Get/GetSync/ResumeAndGet must be put on every path, or the device can never runtime-suspend again.");

    /// <summary>VPM0002: a put with no matching get on some path.</summary>
    public static readonly DiagnosticDescriptor UnbalancedPut = Rule(
        RuleIdentifiers.UnbalancedPut, RuntimePm,
        "Runtime-PM reference put without a matching get",
        "'{0}' puts a runtime-PM reference on '{1}' that is not held on every path reaching it",
        "A put without a matching get underflows the usage count: the core refuses it with -EINVAL and another holder's reference is lost.");

    /// <summary>VPM0003: GetSync whose failure path leaks.</summary>
    public static readonly DiagnosticDescriptor GetSyncLeakOnError = Rule(
        RuleIdentifiers.GetSyncLeakOnError, RuntimePm,
        "GetSync keeps its reference on failure",
        "'{0}.GetSync()' keeps the reference when it fails, but the failure path returns without a put: use ResumeAndGet()",
        "pm_runtime_get_sync() leaves the usage count incremented even when it returns an error; pm_runtime_resume_and_get() drops it, so 'check and return' is correct.");

    /// <summary>VPM0004: device access without memory_lock.</summary>
    public static readonly DiagnosticDescriptor AccessWithoutMemoryLock = Rule(
        RuleIdentifiers.AccessWithoutMemoryLock, Locking,
        "Device access without memory_lock",
        "'{0}' touches the device but '{1}' is not held",
        "BAR access, power-state and memory-enable changes are serialized by memory_lock; without it a concurrent D3 transition or memory disable races the access.");

    /// <summary>VPM0005: exclusive access under a shared hold.</summary>
    public static readonly DiagnosticDescriptor AccessNeedsExclusiveLock = Rule(
        RuleIdentifiers.AccessNeedsExclusiveLock, Locking,
        "Device access needs memory_lock for write",
        "'{0}' needs '{1}' held for write, but only a read hold is held here",
        "Changing power state or memory enable under a read hold lets BAR readers run concurrently with the change.");

    /// <summary>VPM0006: device access without a PM reference.</summary>
    public static readonly DiagnosticDescriptor AccessWithoutPmReference = Rule(
        RuleIdentifiers.AccessWithoutPmReference, RuntimePm,
        "Device access without a runtime-PM reference",
        "'{0}' touches the device but {1}: it may be suspended or in D3cold",
        "An access to a runtime-suspended device reads all-ones or hangs the system; hold a reference (or run inside a runtime-PM callback) while accessing it.");

    /// <summary>VPM0007: synchronous resume/suspend under memory_lock.</summary>
    public static readonly DiagnosticDescriptor SyncTransitionUnderMemoryLock = Rule(
        RuleIdentifiers.SyncTransitionUnderMemoryLock, Locking,
        "Synchronous runtime resume or suspend while holding memory_lock",
        "'{0}' may run runtime-PM callbacks that take '{1}', which is held here: deadlock",
        "vfio-pci's runtime suspend/resume callbacks take memory_lock for write; under the lock only GetNoResume/PutNoIdle are safe.");

    /// <summary>VPM0008: raw runtime-PM error returned to user space.</summary>
    public static readonly DiagnosticDescriptor UnmaskedResumeError = Rule(
        RuleIdentifiers.UnmaskedResumeError, Uapi,
        "Runtime-PM error returned to user space unmasked",
        "'{0}' returns the raw runtime-PM error of '{1}' to user space: mask it as -EIO",
        "A runtime-PM error such as -EINVAL from a latched error state is meaningless for a correctly formed ioctl; vfio masks resume failures as -EIO.");

    /// <summary>VPM0009: [GuardedBy] member without its lock.</summary>
    public static readonly DiagnosticDescriptor GuardedMemberWithoutLock = Rule(
        RuleIdentifiers.GuardedMemberWithoutLock, Locking,
        "Guarded member accessed without its lock",
        "'{0}' is guarded by '{1}', which is not held {2} here",
        "Fields such as pm_runtime_engaged are written under memory_lock for write and read under it; an unlocked access races the fault handler and the low-power paths.");

    /// <summary>VPM0010: memory_lock not released, released twice, or released without being held.</summary>
    public static readonly DiagnosticDescriptor UnbalancedMemoryLock = Rule(
        RuleIdentifiers.UnbalancedMemoryLock, Locking,
        "memory_lock not balanced",
        "'{0}' {1}",
        "A memory_lock hold that leaks on some path blocks every later writer (and the runtime-PM callbacks) forever; an extra release corrupts the semaphore.");

    /// <summary>VPM0011: body disagrees with the declared contract.</summary>
    public static readonly DiagnosticDescriptor ContractMismatch = Rule(
        RuleIdentifiers.ContractMismatch, Contracts,
        "Method body disagrees with its declared contract",
        "'{0}' is declared to {1}, but its body {2}",
        "Callers trust a method's [Acquires*]/[Releases*]/[Requires*] attributes; a body that does something else silently breaks their balance.");

    private static DiagnosticDescriptor Rule(string id, string category, string title, string message, string description) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description, HelpBase + id + ".md");
}
