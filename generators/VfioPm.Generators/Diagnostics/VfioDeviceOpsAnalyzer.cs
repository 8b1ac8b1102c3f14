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
        context.RegisterCompilationStartAction(start =>
        {
            // A compilation that cannot name any of the marker attributes has nothing to report: skip its types
            // (this analyzer used to read every member's attributes of every type in every compilation).
            if (CanSeeMarkers(start.Compilation))
            {
                start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
            }
        });
    }

    // Any definition counts, also ambiguous ones (a driver's own copy beside the runtime's), hence GetTypesByMetadataName.
    private static bool CanSeeMarkers(Compilation compilation)
    {
        foreach (var name in new[] { KnownNames.DeviceOpsAttribute, KnownNames.IoctlAttribute, KnownNames.FeatureAttribute, KnownNames.RegionAttribute })
        {
            if (!compilation.GetTypesByMetadataName(KnownNames.AnnotationsNamespace + "." + name).IsEmpty)
            {
                return true;
            }
        }

        return false;
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
