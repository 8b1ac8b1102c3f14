using System.Linq;
using Microsoft.CodeAnalysis;

namespace VfioPm.Generators.Parsing;

/// <summary>
/// Reports through a <see cref="DiagnosticSink"/> only when one is given: the generator parses without a sink and so
/// never computes a location.
/// </summary>
internal static class Reporting
{
    /// <summary>Reports at <paramref name="symbol"/>'s first location.</summary>
    public static void Report(DiagnosticSink? sink, DiagnosticDescriptor descriptor, ISymbol symbol, params object?[] args)
    {
        if (sink is not null)
        {
            sink(descriptor, symbol.Locations.FirstOrDefault(), args);
        }
    }

    /// <summary>Reports at the attribute's application, or at <paramref name="fallback"/> when it has none in source.</summary>
    public static void Report(DiagnosticSink? sink, DiagnosticDescriptor descriptor, AttributeData attribute, ISymbol fallback, params object?[] args)
    {
        if (sink is not null)
        {
            var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? fallback.Locations.FirstOrDefault();
            sink(descriptor, location, args);
        }
    }
}
