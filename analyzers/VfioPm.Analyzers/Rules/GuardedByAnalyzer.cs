using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>
/// VPM0009: a [GuardedBy("Lock")] field or property read without the lock held (any mode) or written without it held
/// for write, on some path. Constructors are exempt (nobody else can see the object yet), as in Clang.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GuardedByAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.GuardedMemberWithoutLock);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        FlowDriver.Register(
            context,
            static (block, contracts, graph, method) => Check(block, contracts, graph, method),
            // Constructors are exempt (nobody else can see the object yet); only bodies touching a guarded member matter.
            static (root, method, _) => method.MethodKind is not (MethodKind.Constructor or MethodKind.StaticConstructor) && TouchesGuarded(root));
    }

    private static void Check(OperationBlockAnalysisContext block, ContractReader contracts, Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph graph, IMethodSymbol? method)
    {
        var reported = new HashSet<int>();
        SharedFlow.Get(graph, method, contracts, block.CancellationToken).Replay((analysis, op, states) =>
        {
            var (member, instance) = op switch
            {
                IFieldReferenceOperation f => ((ISymbol)f.Field, f.Instance),
                IPropertyReferenceOperation p => (p.Property, p.Instance),
                _ => (null!, null),
            };
            if (member is null || ContractReader.GuardOf(member) is not { } lockName)
            {
                return;
            }

            var owner = instance is null ? member.ContainingType.Name : analysis.PathOf(instance);
            if (owner is null)
            {
                return;
            }

            var key = new ResourceKey(owner + "." + lockName);
            if (IsRacySnapshot(op))
            {
                return; // Volatile.Read(ref field): the C# READ_ONCE, an explicit lock-free snapshot
            }

            var write = IsWrite(op);
            var held = HeldFacts.MustMode(states, key);
            var ok = write ? held == LockMode.Exclusive : held != LockMode.None;
            if (!ok && reported.Add(op.Syntax.SpanStart))
            {
                block.ReportDiagnostic(Diagnostic.Create(Descriptors.GuardedMemberWithoutLock, op.Syntax.GetLocation(), member.Name, key.Display, write ? "for write" : "(for read or write)"));
            }
        });
    }

    // The field passed by reference to System.Threading.Volatile.Read: an intentional racy read (the kernel's READ_ONCE
    // under KCSAN's data_race()), which the author marked as such; the value may be stale and is documented so.
    private static bool IsRacySnapshot(IOperation op) =>
        op.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Read", ContainingType: { Name: "Volatile", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } } } };

    private static bool IsWrite(IOperation op) =>
        op.Parent is IAssignmentOperation assignment && assignment.Target == op
        || op.Parent is IIncrementOrDecrementOperation
        || (op.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out });

    private static bool TouchesGuarded(IOperation root)
    {
        foreach (var op in ResourceKeys.Walk(root))
        {
            if ((op is IFieldReferenceOperation f && ContractReader.GuardOf(f.Field) is not null) || (op is IPropertyReferenceOperation p && ContractReader.GuardOf(p.Property) is not null))
            {
                return true;
            }
        }

        return false;
    }
}
