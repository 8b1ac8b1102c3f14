using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>
/// VPM0007: a call marked [ExcludesMemoryLock] (a synchronous runtime resume/suspend: ResumeAndGet, GetSync, Resume,
/// PutSync, Forbid...) made while memory_lock is held on every path to it. The vfio-pci runtime callbacks take
/// memory_lock for write, so the call would wait on itself.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SyncTransitionUnderLockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SyncTransitionUnderMemoryLock);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        FlowDriver.Register(context, static (block, contracts, graph, method) =>
        {
            SharedFlow.Get(graph, method, contracts, block.CancellationToken).Replay((analysis, op, states) =>
            {
                if (op is not IInvocationOperation invocation || !contracts.For(invocation.TargetMethod).ExcludesLock)
                {
                    return;
                }

                var held = HeldFacts.MustLocks(states).FirstOrDefault(l => !analysis.IsMonitorKey(l.Key));
                if (held.Key.Path is not null)
                {
                    block.ReportDiagnostic(Diagnostic.Create(Descriptors.SyncTransitionUnderMemoryLock, invocation.Syntax.GetLocation(),
                        invocation.TargetMethod.Name + "()", held.Key.Display));
                }
            });
        });
    }
}
