using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers.Contracts;

/// <summary>Reads and caches method contracts for one compilation. Thread-safe (analyzers run concurrently).</summary>
internal sealed class ContractReader
{
    // One reader per compilation, shared by every VfioPm analyzer: each used to read the same attributes again.
    private static readonly ConditionalWeakTable<Compilation, ContractReader> PerCompilation = new();

    private readonly ConcurrentDictionary<IMethodSymbol, MethodContract> _cache = new(SymbolEqualityComparer.Default);

    /// <summary>The reader every analyzer of <paramref name="compilation"/> shares.</summary>
    public static ContractReader For(Compilation compilation) => PerCompilation.GetValue(compilation, static _ => new ContractReader());

    /// <summary>The contract of <paramref name="method"/> (its original definition's attributes; property accessors use the property's too).</summary>
    public MethodContract For(IMethodSymbol method) => _cache.GetOrAdd(method.OriginalDefinition, m => WellKnown(m) ?? Read(m));

    // The BCL's own locks, so that `lock (x)` and [GuardedBy("x")] on a Monitor-locked field are understood.
    private static MethodContract? WellKnown(IMethodSymbol method)
    {
        if (method.ContainingType is not { Name: "Monitor", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } })
        {
            return null;
        }

        return method.Name switch
        {
            "Enter" or "TryEnter" => new MethodContract { AcquiresLock = LockMode.Exclusive, AcquiresLockTarget = method.Parameters.Length > 0 ? method.Parameters[0].Name : null, IsMonitor = true },
            "Exit" => new MethodContract { ReleasesLock = true, ReleasesLockTarget = method.Parameters.Length > 0 ? method.Parameters[0].Name : null, IsMonitor = true },
            _ => MethodContract.Empty,
        };
    }

    /// <summary>The lock named by <paramref name="member"/>'s [GuardedBy], or <see langword="null"/>.</summary>
    public static string? GuardOf(ISymbol member)
    {
        foreach (var a in member.GetAttributes())
        {
            if (IsOurs(a, AttributeNames.GuardedBy) && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string name)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>The [OwnsPmReference]/[ForgoesPmReference] of <paramref name="member"/> (a field or property), or <see langword="null"/>.</summary>
    public static StateOwnership? OwnershipOf(ISymbol member)
    {
        if (member is not (IFieldSymbol or IPropertySymbol))
        {
            return null;
        }

        foreach (var a in member.OriginalDefinition.GetAttributes())
        {
            var owns = IsOurs(a, AttributeNames.OwnsPmReference);
            if ((owns || IsOurs(a, AttributeNames.ForgoesPmReference)) && FirstString(a) is { } device)
            {
                return new StateOwnership(device, Forgoes: !owns, Unless: NamedString(a, "Unless"),
                    Counted: owns && NamedBool(a, "Counted") && member is IFieldSymbol { Type.SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64 }
                        or IPropertySymbol { Type.SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64 });
            }
        }

        return null;
    }

    /// <summary>The lock named by <paramref name="member"/>'s [PtGuardedBy] (its hardware's guard), or <see langword="null"/>.</summary>
    public static string? PtGuardOf(ISymbol member)
    {
        foreach (var a in member.OriginalDefinition.GetAttributes())
        {
            if (IsOurs(a, AttributeNames.PtGuardedBy) && FirstString(a) is { } name)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="member"/> is marked [PmDevice].</summary>
    public static bool IsPmDevice(ISymbol member)
    {
        foreach (var a in member.OriginalDefinition.GetAttributes())
        {
            if (IsOurs(a, AttributeNames.PmDevice))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="attribute"/> is one of ours by metadata name.</summary>
    public static bool IsOurs(AttributeData attribute, string name) =>
        attribute.AttributeClass is { } type && type.Name == name && AttributeNames.IsAnnotationsNamespace(type.ContainingNamespace);

    private static MethodContract Read(IMethodSymbol method)
    {
        var attributes = method.GetAttributes();
        if (method.AssociatedSymbol is IPropertySymbol property)
        {
            attributes = attributes.AddRange(property.GetAttributes());
        }

        var acquiresPm = false;
        string? acquiresPmTarget = null;
        string? acquiresPmUnless = null;
        var onSuccess = false;
        var success = SuccessWhen.Zero;
        var releasesPm = false;
        string? releasesPmTarget = null;
        string? releasesPmUnless = null;
        var releaseOnSuccess = false;
        var releaseOnFailure = false;
        var releaseSuccess = SuccessWhen.Zero;
        var conflict = false;
        var requiresPm = false;
        string? requiresPmTarget = null;
        var mayRunCallbacks = false;
        string? mayRunCallbacksTarget = null;
        var noConcurrentUsers = false;
        var acquiresLock = LockMode.None;
        string? acquiresLockTarget = null;
        var releasesLock = false;
        string? releasesLockTarget = null;
        var requiresLock = LockMode.None;
        string? requiresLockTarget = null;
        var excludes = false;
        string? excludesTarget = null;
        var access = LockMode.None;
        var accessLockFree = false;
        var isAccess = false;
        var callback = false;

        foreach (var a in attributes)
        {
            if (IsOurs(a, AttributeNames.AcquiresPmReference))
            {
                acquiresPm = true;
                acquiresPmTarget = FirstString(a);
                onSuccess = NamedBool(a, "OnSuccess");
                // A bool-returning conditional acquire (a counted owner's dec_not_one) holds on true.
                success = onSuccess && method.ReturnType.SpecialType == SpecialType.System_Boolean ? SuccessWhen.True : (SuccessWhen)NamedInt(a, "SuccessWhen", 0);
                acquiresPmUnless = Condition(method, a, acquiresPmTarget, ref conflict);
            }
            else if (IsOurs(a, AttributeNames.ReleasesPmReference))
            {
                releasesPm = true;
                releasesPmTarget = FirstString(a);
                releaseOnSuccess = NamedBool(a, "OnSuccess");
                releaseOnFailure = !releaseOnSuccess && NamedBool(a, "OnFailure");
                releaseSuccess = (SuccessWhen)NamedInt(a, "SuccessWhen", 0);
                releasesPmUnless = Condition(method, a, releasesPmTarget, ref conflict);
            }
            else if (IsOurs(a, AttributeNames.RequiresPmReference))
            {
                requiresPm = true;
                requiresPmTarget = FirstString(a);
            }
            else if (IsOurs(a, AttributeNames.MayRunPmCallbacks))
            {
                mayRunCallbacks = true;
                mayRunCallbacksTarget = FirstString(a);
            }
            else if (IsOurs(a, AttributeNames.NoConcurrentUsers))
            {
                noConcurrentUsers = true;
            }
            else if (IsOurs(a, AttributeNames.AcquiresMemoryLock))
            {
                acquiresLock = Mode(a, LockMode.Exclusive);
                acquiresLockTarget = NamedString(a, "Lock");
            }
            else if (IsOurs(a, AttributeNames.ReleasesMemoryLock))
            {
                releasesLock = true;
                releasesLockTarget = NamedString(a, "Lock");
            }
            else if (IsOurs(a, AttributeNames.RequiresMemoryLock))
            {
                requiresLock = Mode(a, LockMode.Shared);
                requiresLockTarget = NamedString(a, "Lock");
            }
            else if (IsOurs(a, AttributeNames.ExcludesMemoryLock))
            {
                excludes = true;
                excludesTarget = NamedString(a, "Lock");
            }
            else if (IsOurs(a, AttributeNames.DeviceAccess))
            {
                isAccess = true;
                access = Mode(a, LockMode.Shared);
                accessLockFree = NamedBool(a, "LockFree");
            }
            else if (IsOurs(a, AttributeNames.RuntimePmCallback))
            {
                callback = true;
            }
        }

        // A bool-returning conditional acquire of a lock (trylock) is success-when-true.
        return new MethodContract
        {
            AcquiresPm = acquiresPm,
            AcquiresPmTarget = acquiresPmTarget,
            AcquiresPmOnSuccess = onSuccess,
            AcquiresPmSuccess = success,
            AcquiresPmUnless = acquiresPmUnless,
            ReleasesPm = releasesPm,
            ReleasesPmTarget = releasesPmTarget,
            ReleasesPmOnSuccess = releaseOnSuccess,
            ReleasesPmOnFailure = releaseOnFailure,
            ReleasesPmSuccess = releaseSuccess,
            ReleasesPmUnless = releasesPmUnless,
            PmConditionConflict = conflict,
            RequiresPm = requiresPm,
            RequiresPmTarget = requiresPmTarget,
            MayRunPmCallbacks = mayRunCallbacks,
            MayRunPmCallbacksTarget = mayRunCallbacksTarget,
            NoConcurrentUsers = noConcurrentUsers,
            AcquiresLock = acquiresLock,
            AcquiresLockTarget = acquiresLockTarget,
            ReleasesLock = releasesLock,
            ReleasesLockTarget = releasesLockTarget,
            RequiresLock = requiresLock,
            RequiresLockTarget = requiresLockTarget,
            ExcludesLock = excludes,
            ExcludesLockTarget = excludesTarget,
            DeviceAccess = access,
            DeviceAccessLockFree = accessLockFree,
            IsDeviceAccess = isAccess,
            IsRuntimePmCallback = callback,
        };
    }

    // The waiver of a PM contract in one form: Unless = "X" waives it when X is true, When = "X" when X is false ("!X"; a
    // negated When is an Unless). On a static method, which has no receiver, a name that is not a parameter is a member
    // of the parameter the device target names (or the device parameter the contract binds to, engine §6).
    private static string? Condition(IMethodSymbol method, AttributeData a, string? target, ref bool conflict)
    {
        var unless = NamedString(a, "Unless");
        var when = NamedString(a, "When");
        conflict |= unless is not null && when is not null;
        var condition = unless ?? (when is null ? null : when.StartsWith("!", StringComparison.Ordinal) ? when.Substring(1) : "!" + when);
        if (condition is null || !Flow.StaticDeviceBinding.NeedsBinding(method))
        {
            return condition;
        }

        var negated = condition.StartsWith("!", StringComparison.Ordinal);
        var path = negated ? condition.Substring(1) : condition;
        if (method.Parameters.Any(p => p.Name == path.Split('.')[0]))
        {
            return condition;
        }

        var device = target ?? Flow.StaticDeviceBinding.TargetFor(method, out _);
        var head = device is null ? null : Flow.ElementPaths.MemberName(device.Split('.')[0]);
        return head is not null && method.Parameters.Any(p => p.Name == head) ? (negated ? "!" : string.Empty) + head + "." + path : condition;
    }

    private static LockMode Mode(AttributeData a, LockMode fallback)
    {
        if (a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is int mode)
        {
            return mode == 1 ? LockMode.Exclusive : LockMode.Shared;
        }

        return fallback;
    }

    private static string? FirstString(AttributeData a) =>
        a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is string s ? s : null;

    private static string? NamedString(AttributeData a, string name)
    {
        foreach (var kv in a.NamedArguments)
        {
            if (kv.Key == name && kv.Value.Value is string s)
            {
                return s;
            }
        }

        return null;
    }

    private static bool NamedBool(AttributeData a, string name)
    {
        foreach (var kv in a.NamedArguments)
        {
            if (kv.Key == name && kv.Value.Value is bool b)
            {
                return b;
            }
        }

        return false;
    }

    private static int NamedInt(AttributeData a, string name, int fallback)
    {
        foreach (var kv in a.NamedArguments)
        {
            if (kv.Key == name && kv.Value.Value is int i)
            {
                return i;
            }
        }

        return fallback;
    }
}
