using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>VPM0010: memory_lock not released on some path, taken again while held, or released without being held.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MemoryLockBalanceAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnbalancedMemoryLock);

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
                if (finding.Kind is FindingKind.LockLeak or FindingKind.LockReleaseNotHeld or FindingKind.LockRecursive)
                {
                    block.ReportDiagnostic(Diagnostic.Create(Descriptors.UnbalancedMemoryLock, finding.Location, FlowDriver.Related(finding), finding.Key.Display, finding.Detail));
                }
            }
        });
    }
}
