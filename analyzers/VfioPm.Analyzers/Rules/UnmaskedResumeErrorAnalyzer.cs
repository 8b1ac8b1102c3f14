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
/// [VfioDeviceOps] class, generated dispatchers included) returns the raw result of a runtime-PM call. vfio masks resume
/// failures as -EIO: a raw -EINVAL from a latched runtime error is meaningless to user space.
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
        context.RegisterCompilationStartAction(start =>
        {
            if (!FlowDriver.ReferencesAnnotations(start.Compilation))
            {
                return;
            }

            var contracts = ContractReader.For(start.Compilation);
            start.RegisterOperationBlockStartAction(block =>
            {
                if (block.OwningSymbol is not IMethodSymbol method || !IsHandler(method))
                {
                    return;
                }

                block.RegisterOperationAction(op =>
                {
                    var ret = (IReturnOperation)op.Operation;
                    if (ret.ReturnedValue is { } value && RawPmResult(value, contracts, ret) is { } source)
                    {
                        op.ReportDiagnostic(Diagnostic.Create(Descriptors.UnmaskedResumeError, value.Syntax.GetLocation(), new[] { source.Syntax.GetLocation() }, method.Name, source.TargetMethod.Name + "()"));
                    }
                }, OperationKind.Return);
            });
        });
    }

    private static bool IsHandler(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass is { } c && HandlerAttributes.Contains(c.Name) && AttributeNames.IsAnnotationsNamespace(c.ContainingNamespace))
        || method.ContainingType?.GetAttributes().Any(a => a.AttributeClass is { Name: "VfioDeviceOpsAttribute" } c && AttributeNames.IsAnnotationsNamespace(c.ContainingNamespace)) == true;

    // The runtime-PM call whose unmodified int result this expression is, if any.
    private static IInvocationOperation? RawPmResult(IOperation value, ContractReader contracts, IOperation context)
    {
        switch (value)
        {
            case IConversionOperation c:
                return RawPmResult(c.Operand, contracts, context);
            case IParenthesizedOperation p:
                return RawPmResult(p.Operand, contracts, context);
            case IInvocationOperation invocation when IsPmCall(invocation, contracts):
                return invocation;
            case ILocalReferenceOperation local:
                // A local whose only assignments are raw runtime-PM results.
                var root = context;
                while (root.Parent is not null)
                {
                    root = root.Parent;
                }

                IInvocationOperation? found = null;
                foreach (var op in ResourceKeys.Walk(root))
                {
                    IOperation? assigned = op switch
                    {
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation t } a when SymbolEqualityComparer.Default.Equals(t.Local, local.Local) => a.Value,
                        IVariableDeclaratorOperation { Initializer: { } init } d when SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local) => init.Value,
                        _ => null,
                    };
                    if (assigned is null)
                    {
                        continue;
                    }

                    var source = RawPmResult(assigned, contracts, context);
                    if (source is null)
                    {
                        return null;
                    }

                    found = source;
                }

                return found;
            default:
                return null;
        }
    }

    private static bool IsPmCall(IInvocationOperation invocation, ContractReader contracts)
    {
        var c = contracts.For(invocation.TargetMethod);
        return invocation.TargetMethod.ReturnType.SpecialType == SpecialType.System_Int32 && (c.AcquiresPm || c.ReleasesPm || c.ExcludesLock
            // A synchronous runtime-PM transition (rpm_resume/rpm_suspend), not an operation of a device that may run one.
            || (c.MayRunPmCallbacks && invocation.TargetMethod.ContainingType.GetMembers("Power").Length == 0));
    }
}
