using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>VPM0011: a method whose body does not do what its [Acquires*]/[Releases*]/[RequiresMemoryLock] attributes promise.</summary>
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
}
