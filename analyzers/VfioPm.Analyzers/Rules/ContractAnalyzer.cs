using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Contracts;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>
/// VPM0011: a method whose body does not do what its [Acquires*]/[Releases*]/[RequiresMemoryLock] attributes promise,
/// or a contract that cannot be checked (a counted owner that is no integer).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContractAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ContractMismatch);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (FlowDriver.ReferencesAnnotations(start.Compilation))
            {
                start.RegisterSymbolAction(CheckCountedOwner, SymbolKind.Field, SymbolKind.Property);
            }
        });
        FlowDriver.Register(context, static (block, contracts, graph, method) =>
        {
            if (method is null || contracts.For(method).IsEmpty)
            {
                return;
            }

            var analysis = SharedFlow.Get(graph, method, contracts, block.CancellationToken);
            if (analysis.UnboundStaticDevices is { } devices && method.Locations.FirstOrDefault() is { } declared)
            {
                var self = contracts.For(method);
                var promise = self.AcquiresPm ? "acquire a runtime-PM reference" : "release a runtime-PM reference";
                var why = devices.Count == 0
                    ? "cannot be checked: a static method has no receiver, and it has no device parameter; name the device in the attribute"
                    : "cannot be checked: a static method has no receiver, and its device parameters (" + string.Join(", ", devices.Select(d => "'" + d + "'")) + ") are more than one; name the device in the attribute";
                block.ReportDiagnostic(Diagnostic.Create(Descriptors.ContractMismatch, declared, method.Name, promise, why));
            }

            foreach (var finding in analysis.Findings)
            {
                if (finding.Kind == FindingKind.ContractMismatch)
                {
                    var parts = finding.Detail.Split('|');
                    block.ReportDiagnostic(Diagnostic.Create(Descriptors.ContractMismatch, finding.Location, method.Name, parts[0], parts.Length > 1 ? parts[1] : string.Empty));
                }
            }
        });
    }

    // [OwnsPmReference(Counted = true)] counts references by steps of an integer: on anything else, or with an Unless
    // flag (a count is not waived by a flag), the writes could not be checked, so the declaration is malformed.
    private static void CheckCountedOwner(SymbolAnalysisContext context)
    {
        foreach (var a in context.Symbol.GetAttributes())
        {
            if (!ContractReader.IsOurs(a, AttributeNames.OwnsPmReference) || !a.NamedArguments.Any(kv => kv.Key == "Counted" && kv.Value.Value is true))
            {
                continue;
            }

            var type = context.Symbol switch
            {
                IFieldSymbol f => f.Type,
                IPropertySymbol p => p.Type,
                _ => null,
            };
            var why = type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64)
                ? "cannot be checked: 'Counted' needs an int or long member, stepped by ++/--, += or Interlocked"
                : a.NamedArguments.Any(kv => kv.Key == "Unless" && kv.Value.Value is string)
                    ? "cannot be checked: a count is not waived by a flag; drop 'Unless' or count only when it is false"
                    : null;
            if (why is not null && context.Symbol.Locations.FirstOrDefault() is { } where)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ContractMismatch, where, context.Symbol.Name, "count the runtime-PM references its object owns", why));
            }
        }
    }
}
