using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Applies operations to path states: calls through their contracts (<see cref="ContractEffects"/>), assignments and
/// flow captures to the value facts, and every call and member reference shown to the observer with the states that
/// reach it (before the call's own effect). Post-order over each operation tree; lambdas and local functions are
/// analysed as bodies of their own, so they are neither entered nor applied.
/// </summary>
internal sealed class OperationVisitor
{
    private readonly FlowBody _body;
    private readonly ContractEffects _effects;
    private readonly ConditionRefiner _refiner;
    private readonly ValueSubjects _subjects;
    private readonly Action<IOperation, IReadOnlyCollection<PathState>>? _observer;

    public OperationVisitor(FlowBody body, ContractEffects effects, ConditionRefiner refiner, ValueSubjects subjects, Action<IOperation, IReadOnlyCollection<PathState>>? observer)
    {
        _body = body;
        _subjects = subjects;
        _effects = effects;
        _refiner = refiner;
        _observer = observer;
    }

    /// <summary>Applies an operation tree, operands first. Recursive over the tree's depth: no per-node allocation.</summary>
    public IReadOnlyCollection<PathState> Apply(IOperation root, IReadOnlyCollection<PathState> states)
    {
        if (root is IAnonymousFunctionOperation or IFlowAnonymousFunctionOperation or ILocalFunctionOperation)
        {
            return states;
        }

        var current = states;
        foreach (var child in root.ChildOperations)
        {
            current = Apply(child, current);
        }

        return ApplyOne(root, current);
    }

    private IReadOnlyCollection<PathState> ApplyOne(IOperation op, IReadOnlyCollection<PathState> states)
    {
        switch (op)
        {
            case IInvocationOperation invocation:
                _observer?.Invoke(invocation, states);
                if (_body.ForEach.OfEnumerator(invocation) is { } started)
                {
                    return Map(states, s => ForEachPositions.Start(s, started));
                }

                if (_body.ForEach.OfMoveNext(invocation) is { } moved)
                {
                    return Map(states, s => ForEachPositions.Advance(s, moved, invocation, key => _body.ForEach.LockAcquireSite(moved, key)));
                }

                return ApplyInvocation(invocation, states);
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                _observer?.Invoke(op, states);
                return states;
            case IFlowCaptureOperation capture:
                return Map(states, s => s.WithValue(ValueKey.Capture(capture.Id), ValueSubjects.ValueOf(capture.Value, s)));
            case IIncrementOrDecrementOperation or ICompoundAssignmentOperation when ContractForms.CountedStepOf(op) is { } step:
                return _effects.Forms.ApplyCountedStep(step.Target, step.Delta, op, Written(step.Target, states));
            case IIncrementOrDecrementOperation or ICompoundAssignmentOperation when ContractForms.OwnershipStepOf(op) is { } ownerStep:
                return _effects.Forms.ApplyOwnershipStep(ownerStep.Target, ownerStep.Delta, op, states);
            case ISimpleAssignmentOperation when ContractForms.OwnershipWriteOf(op) is { } write:
                return _effects.Forms.ApplyOwnershipWrite(write.Target, write.Value, op, states);
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                return AssignLocal(local.Local, assignment.Value, states);
            case IVariableDeclaratorOperation { Initializer: { } init } declarator:
                return AssignLocal(declarator.Symbol, init.Value, states);
            case ISimpleAssignmentOperation simple:
                return Written(simple.Target, states);
            case ICompoundAssignmentOperation { Target: ILocalReferenceOperation stepped, OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } step
                when ResultValues.ConstantOf(step.Value) is { } amount:
                return Step(stepped.Local, step.OperatorKind == BinaryOperatorKind.Add ? amount : -amount, states);
            case ICompoundAssignmentOperation compound:
                return Written(compound.Target, states);
            case IIncrementOrDecrementOperation { Target: ILocalReferenceOperation counted } increment:
                return Step(counted.Local, increment.Kind == OperationKind.Increment ? 1 : -1, states);
            case IIncrementOrDecrementOperation increment:
                return Written(increment.Target, states);
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } byRef:
                return Written(byRef.Value, states);
            default:
                return states;
        }
    }

    // "local = value": the local now holds what value is — a tracked call result, a constant, or (for a bool copied
    // from a condition) whatever the condition says on each path, which splits the path by it.
    private IReadOnlyCollection<PathState> AssignLocal(ILocalSymbol local, IOperation value, IReadOnlyCollection<PathState> states)
    {
        var key = ValueKey.Local(local);
        var subject = _body.SubjectOfLocal(local);

        // A local that names an object of its own (a foreach variable, "link = next"): a new object, whose owning
        // members' values are not known ("link.SupplierPreactivated" of the last iteration says nothing of this one).
        if (subject.Kind == ValueKeyKind.Local)
        {
            states = Map(states, s => _effects.Forms.ForgetOwningMembersOf(s, local.Name));
        }

        var tracked = subject.Kind == ValueKeyKind.Local && _body.TrackedSubjects.Contains(subject);
        var constant = tracked ? ResultValues.ConstantOf(value) : null;
        var copiesCondition = tracked && constant is null && local.Type.SpecialType == SpecialType.System_Boolean;
        if (!copiesCondition)
        {
            // "failed = cur" in a foreach: the local names the element at the loop's position from now on.
            var named = _body.ForEach.NamedElement(value);
            var marker = ValueKey.Marker(local);
            var names = named?.Position ?? (LastElementOf(value) is { } last ? ValueKey.Member(last + ".Count") : null);
            return Map(states, s =>
            {
                var next = s.WithIndexReassigned(key).WithoutFact(key).WithValue(key, ValueSubjects.ValueOf(value, s)).WithValue(marker, names);

                if (named is { ElementNotNull: true } && tracked)
                {
                    return next.WithFact(key, ValueSet.NonZero);
                }

                if (!tracked || next.Values.ContainsKey(key))
                {
                    return next;
                }

                // A constant, or a copy of what is known about another subject at this point ("parent = dev->parent"
                // under "if (dev->parent)", "j = i - 1"): a snapshot, so a later change to the source does not reach
                // the copy. Element holds counted from an index copied this way are counted from the copy.
                if (constant is { } c)
                {
                    return next.WithFact(key, ValueSet.Single(c));
                }

                var operand = FlowBody.OffsetOperand(value, out var offset);
                if (_body.SubjectOf(operand) is { Kind: ValueKeyKind.Local } from)
                {
                    next = next.WithIndexRebased(from, key, offset);
                }

                return _subjects.Subject(operand, s) is { } source && !source.Known.Equals(ValueSet.All) ? next.WithFact(key, source.Known.Shift(offset)) : next;
            });
        }

        var result = new HashSet<PathState>();
        foreach (var s in states)
        {
            var cleared = s.WithIndexReassigned(key).WithoutFact(key).WithValue(key, null);
            var (whenTrue, whenFalse) = _refiner.Refine(cleared, value);
            if (whenTrue is not null)
            {
                result.Add(whenTrue.WithFact(key, ValueSet.One));
            }

            if (whenFalse is not null)
            {
                result.Add(whenFalse.WithFact(key, ValueSet.Zero));
            }
        }

        return result;
    }

    // "X.Count - 1" / "X.Length - 1": the collection X whose last element an index is set to, or null.
    private string? LastElementOf(IOperation value)
    {
        if (FlowBody.OffsetOperand(value, out var offset) is var operand && offset == -1)
        {
            while (operand is IConversionOperation conversion)
            {
                operand = conversion.Operand;
            }

            if (operand is IPropertyReferenceOperation { Property.Name: "Count" or "Length", Instance: { } collection })
            {
                return _body.PathOf(collection);
            }
        }

        return null;
    }

    // "i++", "i -= 2": what is known about i moves with it, and so do the element holds counted from it.
    private static IReadOnlyCollection<PathState> Step(ILocalSymbol local, long delta, IReadOnlyCollection<PathState> states)
    {
        var key = ValueKey.Local(local);
        var marker = ValueKey.Marker(local);
        return Map(states, s => s.WithValue(key, null).WithValue(marker, null).WithIndexShifted(key, delta));
    }

    // A write to a local, parameter or member path (assignment, compound assignment, ++/--, ref/out argument): what
    // was known about it, and about every path under it, no longer holds.
    private IReadOnlyCollection<PathState> Written(IOperation target, IReadOnlyCollection<PathState> states)
    {
        if (target is ILocalReferenceOperation local)
        {
            var key = ValueKey.Local(local.Local);
            return Map(states, s => s.WithIndexReassigned(key).WithoutFact(key).WithValue(key, null));
        }

        if (_body.SubjectOf(target) is { Kind: ValueKeyKind.Member } member)
        {
            var path = (string)member.Identity;
            return Map(states, s => s.WithoutMemberFacts(path));
        }

        return states;
    }

    /// <summary>
    /// Applies <paramref name="f"/> to every state. When f changes none of them the input comes back as is: no
    /// allocation on the no-op steps (a flow capture of an untracked value) that make up most of a body.
    /// </summary>
    public static IReadOnlyCollection<PathState> Map(IReadOnlyCollection<PathState> states, Func<PathState, PathState> f)
    {
        HashSet<PathState>? result = null;
        var unchanged = 0;
        foreach (var s in states)
        {
            var next = f(s);
            if (result is null)
            {
                if (ReferenceEquals(next, s))
                {
                    unchanged++;
                    continue;
                }

                result = new HashSet<PathState>();
                foreach (var earlier in states)
                {
                    if (unchanged-- == 0)
                    {
                        break;
                    }

                    result.Add(earlier);
                }
            }

            result.Add(next);
        }

        return result ?? states;
    }

    private IReadOnlyCollection<PathState> ApplyInvocation(IInvocationOperation invocation, IReadOnlyCollection<PathState> states)
    {
        if (ContractForms.OwnershipWriteOf(invocation) is { } write)
        {
            return _effects.Forms.ApplyOwnershipWrite(write.Target, write.Value, invocation, states);
        }

        if (ContractForms.CountedStepOf(invocation) is { } step)
        {
            return _effects.Forms.ApplyCountedStep(step.Target, step.Delta, invocation, states);
        }

        if (ContractForms.CountedExchangeOf(invocation) is { } exchange)
        {
            return _effects.Forms.ApplyCountedExchange(invocation, exchange.Target, exchange.Delta, states);
        }

        var contract = _body.Contracts.For(invocation.TargetMethod);
        if (contract.IsEmpty)
        {
            return states;
        }

        var result = new HashSet<PathState>();
        foreach (var state in states)
        {
            foreach (var (forked, applying) in _effects.Forms.ForkContract(invocation, contract, state))
            {
                foreach (var next in _effects.Apply(invocation, applying, forked))
                {
                    result.Add(next);
                }
            }
        }

        return result;
    }
}
