using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>
/// VPM0001 (a reference not put on some path), VPM0002 (a put with no reference held on some path) and VPM0003
/// (GetSync's failure path returns without a put) from one dataflow over each method.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PmReferenceBalanceAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.UnbalancedGet, Descriptors.UnbalancedPut, Descriptors.GetSyncLeakOnError);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        FlowDriver.Register(context, static (block, contracts, graph, method) =>
        {
            var analysis = SharedFlow.Get(graph, method, contracts, block.CancellationToken);
            foreach (var finding in analysis.Findings)
            {
                switch (finding.Kind)
                {
                    case FindingKind.PmLeak when finding.GetSyncFailurePath && finding.Related is { } getSync:
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.GetSyncLeakOnError, getSync, new[] { finding.Location }, finding.Key.Display));
                        break;
                    case FindingKind.PmLeak:
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.UnbalancedGet, finding.Location, FlowDriver.Related(finding), finding.Key.Display, finding.Detail));
                        break;
                    case FindingKind.PmUnderflow:
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.UnbalancedPut, finding.Location, finding.Detail, finding.Key.Display));
                        break;
                }
            }
        });
    }
}
