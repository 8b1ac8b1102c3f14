using Microsoft.CodeAnalysis;

namespace VfioPm.Generators.Parsing;

/// <summary>Allocation-free name tests on symbols (no per-compilation state, no display strings).</summary>
internal static class SymbolNames
{
    /// <summary>True when <paramref name="symbol"/> is <c>{ns}.{name}</c> (a top-level type).</summary>
    public static bool Is(ITypeSymbol? symbol, string ns, string name) =>
        symbol is not null && symbol.Name == name && symbol.ContainingType is null && IsNamespace(symbol.ContainingNamespace, ns);

    /// <summary>True when <paramref name="attribute"/>'s class is <c>VfioPm.Annotations.{name}</c>.</summary>
    public static bool IsAnnotation(AttributeData attribute, string name) =>
        Is(attribute.AttributeClass, KnownNames.AnnotationsNamespace, name);

    /// <summary>True when <paramref name="symbol"/> or one of its base types is <c>{ns}.{name}</c>.</summary>
    public static bool IsOrDerivesFrom(ITypeSymbol? symbol, string ns, string name)
    {
        for (var t = symbol; t is not null; t = t.BaseType)
        {
            if (Is(t, ns, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for <c>System.Span&lt;byte&gt;</c> (<paramref name="readOnly"/> false) or <c>System.ReadOnlySpan&lt;byte&gt;</c>.</summary>
    public static bool IsByteSpan(ITypeSymbol type, bool readOnly) =>
        type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
        && named.TypeArguments[0].SpecialType == SpecialType.System_Byte
        && Is(named.OriginalDefinition, "System", readOnly ? "ReadOnlySpan" : "Span");

    // Compares a dotted namespace name from the innermost part outwards, without building strings.
    private static bool IsNamespace(INamespaceSymbol? symbol, string dotted)
    {
        var end = dotted.Length;
        var current = symbol;
        while (current is { IsGlobalNamespace: false })
        {
            var name = current.Name;
            var start = end - name.Length;
            if (start < 0 || string.CompareOrdinal(dotted, start, name, 0, name.Length) != 0)
            {
                return false;
            }

            current = current.ContainingNamespace;
            if (current is { IsGlobalNamespace: false })
            {
                if (start == 0 || dotted[start - 1] != '.')
                {
                    return false;
                }

                end = start - 1;
            }
            else
            {
                end = start;
            }
        }

        return end == 0;
    }
}
