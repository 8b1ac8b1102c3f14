using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Integer owning members stepped by <c>++</c>/<c>--</c>/<c>+=</c>/<c>-=</c> a constant, not <c>Counted</c>: one
/// reference while non-zero (<c>device->open_count</c> of <c>vfio_df_open()</c>/<c>vfio_df_close()</c>). The transfer is
/// the one of a write that sets or clears the member (ContractForms.cs), made only where the value before decides it.
/// </summary>
internal sealed partial class ContractForms
{
    /// <summary>A step (<c>m++</c>, <c>m--</c>, <c>m += c</c>) of a non-counted integer owning member, with its delta.</summary>
    public static (IOperation Target, int Delta)? OwnershipStepOf(IOperation op)
    {
        switch (op)
        {
            case IIncrementOrDecrementOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } step when IsSteppedOwner(step.Target):
                return (step.Target, step.Kind == OperationKind.Increment ? 1 : -1);
            case ICompoundAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation, OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound
                when IsSteppedOwner(compound.Target) && ResultValues.ConstantOf(compound.Value) is { } amount && amount is >= -MaxStep and <= MaxStep:
                return (compound.Target, (int)(compound.OperatorKind == BinaryOperatorKind.Add ? amount : -amount));
            default:
                return null;
        }
    }

    private static bool IsSteppedOwner(IOperation target) =>
        MemberOf(target) is { } member && ContractReader.OwnershipOf(member) is { Counted: false }
        && (member is IFieldSymbol { Type.SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64 }
            || member is IPropertySymbol { Type.SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64 });

    /// <summary>
    /// A step of a non-counted integer owning member (<c>device->open_count++</c> of <c>vfio_df_open()</c>, while
    /// non-zero the device keeps the open reference): a transfer only where the values before and after decide it. An
    /// owning count is never negative, so on a path that knows the member is 0 an increment sets it, on one that knows
    /// it is exactly the step a decrement clears it, and a step between non-zero values moves nothing. Where the value
    /// before is not known well enough (0 or not), the member's facts are forgotten and nothing moves: silent, never a
    /// guess.
    /// </summary>
    public IReadOnlyCollection<PathState> ApplyOwnershipStep(IOperation target, int delta, IOperation site, IReadOnlyCollection<PathState> states)
    {
        var member = MemberOf(target)!;
        var ownership = ContractReader.OwnershipOf(member)!;
        var instance = target is IFieldReferenceOperation f ? f.Instance : ((IPropertyReferenceOperation)target).Instance;
        var owner = instance is null ? null : _body.PathOf(instance);
        var memberPath = _body.PathOf(target);
        if (owner is null || memberPath is null)
        {
            return states;
        }

        var memberKey = ValueKey.Member(memberPath);
        var device = PmKeyOfMemberPath(member.ContainingType, owner, ownership.Device);
        var result = new HashSet<PathState>();
        foreach (var state in states)
        {
            var before = (state.Facts.TryGetValue(memberKey, out var k) ? k : ValueSet.All).Intersect(ValueSet.NonNegative);
            var after = before.Shift(delta).Intersect(ValueSet.NonNegative);
            bool? set = before.IsEmpty || after.IsEmpty ? null
                : before.IsSubsetOf(ValueSet.Zero) && !after.Contains(0) ? true
                : !before.Contains(0) && after.IsSubsetOf(ValueSet.Zero) ? false
                : null;
            var forgotten = state.Facts.ContainsKey(memberKey) ? state.WithoutFact(memberKey) : state;
            if (ElementEffects.IsElementKey(device))
            {
                result.Add(ForgetElementOwnership(forgotten, device, site));
                continue;
            }

            if (set is not { } transition)
            {
                // Non-zero to non-zero moves nothing; anything less known (or a count below zero) forgets the member.
                var unchanged = !before.IsEmpty && !after.IsEmpty && !before.Contains(0) && !after.Contains(0);
                result.Add(unchanged ? state.WithFact(memberKey, after) : forgotten);
                continue;
            }

            result.UnionWith(Transfer(state, ownership, owner, instance, memberKey, device, site, transition, already: false, after));
        }

        return result;
    }
}
