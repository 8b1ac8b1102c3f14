using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Generators.Parsing;

namespace VfioPm.Generators.Diagnostics;

/// <summary>
/// Reports what the generator cannot generate (VPM1001..VPM1009). It runs the generator's own parser with a sink,
/// so a diagnostic appears exactly where the generator skips something.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VfioDeviceOpsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.TypeNotPartial,
        Descriptors.BadHandlerSignature,
        Descriptors.DuplicateHandler,
        Descriptors.InvalidFeature,
        Descriptors.UnreachableHandler,
        Descriptors.MissingPmDevice,
        Descriptors.MultiplePmDevices,
        Descriptors.BadPmDevice,
        Descriptors.HandlerOutsideDeviceOps);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (DeviceOpsParser.HasDeviceOps(type))
        {
            DeviceOpsParser.Parse(
                type,
                (descriptor, location, args) => context.ReportDiagnostic(Diagnostic.Create(descriptor, location, args)),
                context.CancellationToken);
            return;
        }

        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol method)
            {
                continue;
            }

            foreach (var name in DeviceOpsParser.HandlerAttributeNames(method))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.HandlerOutsideDeviceOps, method.Locations.Length > 0 ? method.Locations[0] : null, method.Name, name, type.Name));
            }
        }
    }
}
