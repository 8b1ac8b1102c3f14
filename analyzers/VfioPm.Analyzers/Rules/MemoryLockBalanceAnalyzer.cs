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
                    block.ReportDiagnostic(Diagnostic.Create(Descriptors.UnbalancedMemoryLock, finding.Location, FlowDriver.Related(finding), Properties(finding), finding.Key.Display, finding.Detail));
                }
            }
        });
    }

    /// <summary>The diagnostic property carrying the lock's access path ("this.MemoryLock", "vdev.MemoryLock"), for the "declare the contract" fix.</summary>
    public const string LockKeyProperty = "LockKey";

    /// <summary>
    /// The diagnostic property saying what the path does with the lock: "Exclusive"/"Shared" for a lock still held at an
    /// exit (in that mode on every path reaching it), "Held" when the modes differ, "NotHeld" for a release without a hold.
    /// </summary>
    public const string LockEffectProperty = "LockEffect";

    private static ImmutableDictionary<string, string?> Properties(FlowFinding finding) =>
        finding.Kind switch
        {
            FindingKind.LockLeak => ImmutableDictionary<string, string?>.Empty.Add(LockKeyProperty, finding.Key.Path)
                .Add(LockEffectProperty, finding.HeldMode == Contracts.LockMode.None ? "Held" : finding.HeldMode.ToString()),
            FindingKind.LockReleaseNotHeld => ImmutableDictionary<string, string?>.Empty.Add(LockKeyProperty, finding.Key.Path).Add(LockEffectProperty, "NotHeld"),
            _ => ImmutableDictionary<string, string?>.Empty,
        };
}
