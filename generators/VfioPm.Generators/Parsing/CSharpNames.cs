using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace VfioPm.Generators.Parsing;

/// <summary>How the generated code spells user names and how messages spell numbers.</summary>
internal static class CSharpNames
{
    /// <summary>Fully qualified with <c>global::</c>, keywords escaped (<c>global::N.@event&lt;@in&gt;</c>).</summary>
    public static readonly SymbolDisplayFormat Qualified = SymbolDisplayFormat.FullyQualifiedFormat;

    private static readonly SymbolDisplayFormat NamespaceFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

    /// <summary><paramref name="name"/> as an identifier: a keyword or contextual keyword gets <c>@</c>.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    /// <summary>The namespace for a <c>namespace</c> declaration (each part escaped), or empty for the global one.</summary>
    public static string Namespace(INamespaceSymbol? ns) =>
        ns is { IsGlobalNamespace: false } ? ns.ToDisplayString(NamespaceFormat) : string.Empty;

    /// <summary>A feature index as the uAPI header writes it: small core indices in decimal, vendor ones in hex (<c>0x8002</c>).</summary>
    public static string FeatureId(uint id) =>
        id < 0x100 ? id.ToString(CultureInfo.InvariantCulture) : "0x" + id.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="symbol"/> carries <c>[Obsolete(message, true)]</c>: a use of it is error CS0619.</summary>
    public static bool IsObsoleteError(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (SymbolNames.Is(attribute.AttributeClass, "System", "ObsoleteAttribute")
                && attribute.ConstructorArguments.Length == 2
                && attribute.ConstructorArguments[1].Value is true)
            {
                return true;
            }
        }

        return false;
    }
}
