using System.Collections.Immutable;
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
