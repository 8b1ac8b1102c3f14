using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Counted ownership ([OwnsPmReference(Counted = true)]): an integer member that counts the references its object owns,
/// one per unit, as a device link's <c>rpm_active</c> counts supplier references (<c>rpm_get_suppliers()</c>,
/// <c>pm_runtime_release_supplier()</c>).
/// </summary>
/// <remarks>
/// Invariant: a step moves exactly |delta| references between the path's count on the owner's device and the object;
/// the member's value is never read as ownership (the count starts anywhere), and a plain assignment moves nothing.
/// </remarks>
internal sealed partial class ContractForms
{
    // The largest constant step taken as that many references: a path holds a handful at most, and a larger constant
    // (a reset, a bias) is not a hand-over of references this analysis could have counted.
    private const long MaxStep = 16;

    /// <summary>
    /// A step of a counted owning member ([OwnsPmReference(Counted = true)]): the member and the number of references it
    /// moves — positive for an increment (the path hands them to the object), negative for a decrement (the object hands
    /// them back). <c>m++</c>, <c>m += 2</c>, <c>m--</c>, <c>Interlocked.Increment(ref m)</c>, <c>Interlocked.Add(ref m, -1)</c>.
    /// </summary>
    public static (IOperation Target, int Delta)? CountedStepOf(IOperation op)
    {
        switch (op)
        {
            case IIncrementOrDecrementOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } step when IsCounted(step.Target):
                return (step.Target, step.Kind == OperationKind.Increment ? 1 : -1);
            case ICompoundAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation, OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound
                when IsCounted(compound.Target) && ResultValues.ConstantOf(compound.Value) is { } amount && amount is >= -MaxStep and <= MaxStep:
                return (compound.Target, (int)(compound.OperatorKind == BinaryOperatorKind.Add ? amount : -amount));
            case IInvocationOperation { TargetMethod: { ContainingType: { Name: "Interlocked", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } } method } call
                when call.Arguments.Length > 0 && call.Arguments[0].Value is IFieldReferenceOperation field && IsCounted(field):
                return method.Name switch
                {
                    "Increment" => (field, 1),
                    "Decrement" => (field, -1),
                    "Add" when call.Arguments.Length == 2 && ResultValues.ConstantOf(call.Arguments[1].Value) is { } added && added is >= -MaxStep and <= MaxStep => (field, (int)added),
                    _ => null,
                };
            default:
                return null;
        }
    }

    /// <summary>
    /// A compare-and-exchange step of a counted owning member (the loop of <c>refcount_dec_not_one()</c>):
    /// <c>Interlocked.CompareExchange(ref m, seen - 1, seen)</c>, with the number of references it moves when it swaps
    /// and the comparand the caller compares the result with (equal: it swapped).
    /// </summary>
    public static (IOperation Target, int Delta, IOperation Comparand)? CountedExchangeOf(IOperation op)
    {
        if (op is IInvocationOperation { TargetMethod: { Name: "CompareExchange", ContainingType: { Name: "Interlocked", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } } } call
            && call.Arguments.Length == 3 && call.Arguments[0].Value is IFieldReferenceOperation field && IsCounted(field))
        {
            var value = FlowBody.OffsetOperand(Unwrap(call.Arguments[1].Value), out var offset);
            var comparand = Unwrap(call.Arguments[2].Value);
            if (offset is >= -MaxStep and <= MaxStep and not 0 && Unwrap(value) is ILocalReferenceOperation v && comparand is ILocalReferenceOperation c
                && SymbolEqualityComparer.Default.Equals(v.Local, c.Local))
            {
                return (field, (int)offset, comparand);
            }
        }

        return null;
    }

    /// <summary>The states after a counted compare-and-exchange: swapped (the step applied, result fact 1) or not (0).</summary>
    public IReadOnlyCollection<PathState> ApplyCountedExchange(IInvocationOperation call, IOperation target, int delta, IReadOnlyCollection<PathState> states)
    {
        var result = new HashSet<PathState>();
        foreach (var state in states)
        {
            result.Add(state.WithFact(ValueKey.Result(call), ValueSet.Zero));
        }

        foreach (var swapped in ApplyCountedStep(target, delta, call, states))
        {
            result.Add(swapped.WithFact(ValueKey.Result(call), ValueSet.One));
        }

        return result;
    }

    private static IOperation Unwrap(IOperation op) => op is IConversionOperation c ? Unwrap(c.Operand) : op is IParenthesizedOperation p ? Unwrap(p.Operand) : op;

    private static bool IsCounted(IOperation target) => MemberOf(target) is { } member && ContractReader.OwnershipOf(member) is { Counted: true };

    private static IOperation? InstanceOf(IOperation target) => target switch
    {
        IFieldReferenceOperation f => f.Instance,
        IPropertyReferenceOperation p => p.Instance,
        _ => null,
    };

    /// <summary>
    /// Applies a step of a counted owning member: an increment hands the path's references to the object (a hand-over
    /// the path cannot pay is owed and reported at the exit, VPM0002 at the step), a decrement hands the object's back
    /// to the path (which must put them: VPM0001 at the exit). What the member's value is does not matter: the count
    /// starts anywhere (rpm_active starts at 1).
    /// </summary>
    public IReadOnlyCollection<PathState> ApplyCountedStep(IOperation target, int delta, IOperation site, IReadOnlyCollection<PathState> states)
    {
        var member = MemberOf(target)!;
        var ownership = ContractReader.OwnershipOf(member)!;
        if (delta == 0 || InstanceOf(target) is not { } instance || _body.PathOf(instance) is not { } owner)
        {
            return states;
        }

        var device = PmKeyOfMemberPath(member.ContainingType, owner, ownership.Device);
        if (ElementEffects.IsElementKey(device))
        {
            return OperationVisitor.Map(states, state => ForgetElementOwnership(state, device, site));
        }

        var initializes = Initializes(instance);
        return OperationVisitor.Map(states, state =>
        {
            if (initializes && (delta < 0 || state.CountOf(device) < delta))
            {
                return state; // the count the new object starts with, unless the constructor hands it what it holds
            }

            var count = state.CountOf(device) - delta;
            return delta < 0
                ? state.WithPm(device, count, new Origin(site, HeldOnFailure: false))
                : state.WithPm(device, count).WithValue(Owed(device), count < 0 ? ValueKey.Result(site) : null);
        });
    }
}
