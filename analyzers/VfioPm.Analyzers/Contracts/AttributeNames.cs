using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers.Contracts;

/// <summary>Metadata names of the contract attributes. Matched by name, never by assembly: a driver may declare its own copies.</summary>
internal static class AttributeNames
{
    public const string Namespace = "VfioPm.Annotations";
    public const string AcquiresPmReference = "AcquiresPmReferenceAttribute";
    public const string ReleasesPmReference = "ReleasesPmReferenceAttribute";
    public const string RequiresPmReference = "RequiresPmReferenceAttribute";
    public const string AcquiresMemoryLock = "AcquiresMemoryLockAttribute";
    public const string ReleasesMemoryLock = "ReleasesMemoryLockAttribute";
    public const string RequiresMemoryLock = "RequiresMemoryLockAttribute";
    public const string ExcludesMemoryLock = "ExcludesMemoryLockAttribute";
    public const string DeviceAccess = "DeviceAccessAttribute";
    public const string GuardedBy = "GuardedByAttribute";
    public const string RuntimePmCallback = "RuntimePmCallbackAttribute";
    public const string MayRunPmCallbacks = "MayRunPmCallbacksAttribute";
    public const string OwnsPmReference = "OwnsPmReferenceAttribute";
    public const string ForgoesPmReference = "ForgoesPmReferenceAttribute";
    public const string PtGuardedBy = "PtGuardedByAttribute";
    public const string NoConcurrentUsers = "NoConcurrentUsersAttribute";
    public const string PmDevice = "PmDeviceAttribute";

    /// <summary>
    /// True for the namespace <see cref="Namespace"/> itself. Compares the two names up to the global namespace instead of
    /// formatting the symbol: this runs for every attribute the analyzers look at, and ToDisplayString() allocated a
    /// string each time.
    /// </summary>
    public static bool IsAnnotationsNamespace(INamespaceSymbol? ns) =>
        ns is { Name: "Annotations", ContainingNamespace: { Name: "VfioPm", ContainingNamespace.IsGlobalNamespace: true } };
}
