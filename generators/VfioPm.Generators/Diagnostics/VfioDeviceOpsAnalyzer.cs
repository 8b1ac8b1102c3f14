using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Generators.Parsing;

namespace VfioPm.Generators.Diagnostics;

/// <summary>
/// Reports what the generator cannot generate (VPM1001..VPM1014). It runs the generator's own parser with a sink,
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
        Descriptors.HandlerOutsideDeviceOps,
        Descriptors.ReservedName,
        Descriptors.DerivedDeviceOps,
        Descriptors.UncallableHandler,
        Descriptors.LanguageVersionTooLow,
        Descriptors.HugeMinArgSize);

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

                // Local functions and lambdas are no members of any type: a handler attribute on one is found in syntax.
                start.RegisterSyntaxNodeAction(AnalyzeFunction, SyntaxKind.LocalFunctionStatement, SyntaxKind.ParenthesizedLambdaExpression);
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

    private static void AnalyzeFunction(SyntaxNodeAnalysisContext context)
    {
        var (lists, location) = context.Node switch
        {
            LocalFunctionStatementSyntax local => (local.AttributeLists, local.Identifier.GetLocation()),
            ParenthesizedLambdaExpressionSyntax lambda => (lambda.AttributeLists, lambda.ParameterList.GetLocation()),
            _ => (default(SyntaxList<AttributeListSyntax>), Location.None),
        };
        if (lists.Count == 0)
        {
            return;
        }

        var symbol = context.Node is LocalFunctionStatementSyntax
            ? context.SemanticModel.GetDeclaredSymbol(context.Node, context.CancellationToken) as IMethodSymbol
            : context.SemanticModel.GetSymbolInfo(context.Node, context.CancellationToken).Symbol as IMethodSymbol;
        if (symbol is null)
        {
            return;
        }

        foreach (var name in DeviceOpsParser.HandlerAttributeNames(symbol))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.UncallableHandler, location, symbol.Name.Length > 0 ? symbol.Name : "lambda", name, DeviceOpsParser.UncallableReason(symbol)));
        }
    }
}
