using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// What a runtime-PM contract without a device target means on a static method, which has no receiver: the method's
/// single device parameter — a <c>RuntimePm</c> ("p"), a <c>Device</c> ("dev.Power"), or an object with exactly one
/// such member ("vdev.Pdev.Power"). With none, or more than one, the contract is malformed (VPM0011): a static body
/// was once trusted as if it were a primitive, which hid its leaks.
/// </summary>
internal static class StaticDeviceBinding
{
    /// <summary>
    /// The target the contract binds to; null when <paramref name="method"/> is not a static method whose PM contract
    /// lacks a target. <paramref name="candidates"/> lists the device parameters seen (for the malformed message).
    /// </summary>
    public static string? TargetFor(IMethodSymbol method, out IReadOnlyList<string> candidates)
    {
        var found = new List<string>();
        foreach (var parameter in method.Parameters)
        {
            if (DevicePath(parameter.Type, parameter.Name, depth: 0) is { } path)
            {
                found.Add(path);
            }
        }

        candidates = found;
        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>True for a static method (not a local function: those capture their enclosing receiver).</summary>
    public static bool NeedsBinding(IMethodSymbol method) => method.IsStatic && method.MethodKind is MethodKind.Ordinary or MethodKind.ReducedExtension;

    private static string? DevicePath(ITypeSymbol type, string prefix, int depth)
    {
        if (IsRuntimePm(type))
        {
            return prefix;
        }

        if (IsDevice(type))
        {
            return prefix + ".Power";
        }

        if (depth > 0 || type.SpecialType != SpecialType.None || type.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
        {
            return null;
        }

        // One level down: an object that owns exactly one device (vdev → Pdev).
        var members = type.GetMembers()
            .Where(m => !m.IsStatic && m.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal)
            .Select(m => m switch
            {
                IFieldSymbol f => DevicePath(f.Type, prefix + "." + f.Name, depth + 1),
                IPropertySymbol { IsIndexer: false } p => DevicePath(p.Type, prefix + "." + p.Name, depth + 1),
                _ => null,
            })
            .Where(p => p is not null)
            .Distinct()
            .ToList();
        return members.Count == 1 ? members[0] : null;
    }

    private static bool IsRuntimePm(ITypeSymbol type) =>
        type is { Name: "RuntimePm", ContainingNamespace: { Name: "Power", ContainingNamespace: { Name: "Runtime", ContainingNamespace.Name: "VfioPm" } } };

    private static bool IsDevice(ITypeSymbol type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t is { Name: "Device", ContainingNamespace: { Name: "Power", ContainingNamespace: { Name: "Runtime", ContainingNamespace.Name: "VfioPm" } } })
            {
                return true;
            }
        }

        return false;
    }
}
