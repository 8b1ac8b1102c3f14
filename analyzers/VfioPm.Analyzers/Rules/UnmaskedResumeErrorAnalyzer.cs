using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>
/// VPM0008: an ioctl/feature/region handler (a [VfioIoctl]/[VfioFeature]/[VfioRegion] method, or any member of a
/// [VfioDeviceOps] class, generated dispatchers included) returns the raw result of a runtime-PM call on some path.
/// vfio masks resume failures as -EIO: a raw -EINVAL from a latched runtime error is meaningless to user space. The
/// flow engine follows the value, not the variable (reaching definitions): "ret" returned after being reassigned from
/// another call on every path is fine, and a result known to be 0 there (the success of ResumeAndGet) is not an error.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnmaskedResumeErrorAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] HandlerAttributes = { "VfioIoctlAttribute", "VfioFeatureAttribute", "VfioRegionAttribute" };

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnmaskedResumeError);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // Generated dispatchers are exactly what this rule must see.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        FlowDriver.Register(
            context,
            static (block, contracts, graph, method) =>
            {
                // The handler's own returns: a lambda or local function inside it returns to its own caller.
                if (!SymbolEqualityComparer.Default.Equals(method, block.OwningSymbol))
                {
                    return;
                }

                foreach (var finding in SharedFlow.Get(graph, method, contracts, block.CancellationToken).Findings)
                {
                    if (finding.Kind == FindingKind.RawPmResultReturned)
                    {
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.UnmaskedResumeError, finding.Location, FlowDriver.Related(finding), method!.Name, finding.Detail));
                    }
                }
            },
            static (root, method, contracts) => IsHandler(method) && FlowDriver.Mentions(root, method, contracts));
    }

    private static bool IsHandler(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass is { } c && HandlerAttributes.Contains(c.Name) && AttributeNames.IsAnnotationsNamespace(c.ContainingNamespace))
        || method.ContainingType?.GetAttributes().Any(a => a.AttributeClass is { Name: "VfioDeviceOpsAttribute" } c && AttributeNames.IsAnnotationsNamespace(c.ContainingNamespace)) == true;
}
