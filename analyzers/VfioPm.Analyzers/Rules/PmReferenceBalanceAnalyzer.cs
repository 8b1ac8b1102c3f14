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
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.UnbalancedGet, finding.Location, FlowDriver.Related(finding), KeyProperty(finding), finding.Key.Display, finding.Detail));
                        break;
                    case FindingKind.PmUnderflow:
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.UnbalancedPut, finding.Location, null, KeyProperty(finding), finding.Detail, finding.Key.Display));
                        break;
                }
            }
        });
    }

    /// <summary>The name of the diagnostic property carrying the resource's access path ("this.Pdev.Power"), for the "declare the contract" fix.</summary>
    public const string PmKeyProperty = "PmKey";

    private static ImmutableDictionary<string, string?> KeyProperty(FlowFinding finding) =>
        ImmutableDictionary<string, string?>.Empty.Add(PmKeyProperty, finding.Key.Path);
}
