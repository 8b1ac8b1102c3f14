using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Contract paths with "[]" ("Devices[].Pdev", "members[].MemoryLock"): every element of a collection. A contract
/// that names such a path acts on the whole collection at once (<c>vfio_pci_dev_set_pm_runtime_get()</c> takes one
/// reference on every member, the put-all loop drops them), unlike a call on one element inside a loop
/// ("members[i].Pdev.Power.ResumeAndGet()"), whose key has "[]" only because of the index.
/// </summary>
internal static class ElementPaths
{
    /// <summary>True when a contract target names every element of a collection.</summary>
    public static bool IsPerElement(string? target) => target is not null && target.Contains("[]");

    /// <summary>"Devices[]" → "Devices"; a plain member name unchanged.</summary>
    public static string MemberName(string segment)
    {
        var bracket = segment.IndexOf('[');
        return bracket < 0 ? segment : segment.Substring(0, bracket);
    }

    /// <summary>The element type of an array or of a generic collection (its last type argument); null otherwise.</summary>
    public static ITypeSymbol? ElementType(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => array.ElementType,
        INamedTypeSymbol { TypeArguments.Length: > 0 } named => named.TypeArguments[named.TypeArguments.Length - 1],
        _ => null,
    };
}
