using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Splits a path state by a branch condition into the state where it is true and the state where it is false
/// (<see langword="null"/> for a side the facts rule out). Conditions it does not understand leave both sides as they
/// were: refinement only ever removes paths that cannot happen.
/// </summary>
internal sealed class ConditionRefiner
{
    private readonly ValueSubjects _subjects;

    public ConditionRefiner(ValueSubjects subjects) => _subjects = subjects;

    public (PathState? WhenTrue, PathState? WhenFalse) Refine(PathState state, IOperation condition)
    {
        switch (condition)
        {
            case IConversionOperation c:
                return Refine(state, c.Operand);
            case IParenthesizedOperation p:
                return Refine(state, p.Operand);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                var (t, f) = Refine(state, not.Operand);
                return (f, t);
            case IIsNullOperation isNull when ValueSubjects.ValueOf(isNull.Operand, state) is { } nv && state.Scopes.ContainsKey(nv):
                return (null, state);
            case IIsNullOperation isNull when _subjects.LocalOf(isNull.Operand) is { } nullLocal:
                return SplitNull(state, nullLocal);
            case IBinaryOperation binary:
                return RefineComparison(state, binary.OperatorKind, binary.LeftOperand, binary.RightOperand);
            case IIsPatternOperation pattern:
                return RefinePattern(state, pattern.Value, pattern.Pattern);
        }

        // A tracked bool result used directly as the condition (a try-lock).
        if (ValueSubjects.ValueOf(condition, state) is { } value && state.Facts.TryGetValue(value, out var signs))
        {
            return Split(state, value, signs, Signs.Positive);
        }

        // A bool local or a member that cannot change under us, tested twice: the second test agrees with the first.
        if (condition.Type?.SpecialType == SpecialType.System_Boolean && _subjects.StableKeyOf(condition) is { } stable)
        {
            var known = state.Facts.TryGetValue(stable, out var s) ? s : Signs.Zero | Signs.Positive;
            return Split(state, stable, known, Signs.Positive);
        }

        return (state, state);
    }

    private (PathState?, PathState?) RefineComparison(PathState state, BinaryOperatorKind kind, IOperation left, IOperation right)
    {
        if (kind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals)
        {
            var nullOther = right.ConstantValue is { HasValue: true, Value: null } ? left : left.ConstantValue is { HasValue: true, Value: null } ? right : null;
            if (nullOther is not null && _subjects.LocalOf(nullOther) is { } local && !(ValueSubjects.ValueOf(nullOther, state) is { } sv && state.Scopes.ContainsKey(sv)))
            {
                var (isNull, notNull) = SplitNull(state, local);
                return kind == BinaryOperatorKind.Equals ? (isNull, notNull) : (notNull, isNull);
            }
        }

        var onLeft = ValueSubjects.ValueOf(left, state);
        var value = onLeft ?? ValueSubjects.ValueOf(right, state);
        if (value is not { } v)
        {
            return (state, state);
        }

        var other = onLeft is not null ? right : left;
        if (state.Scopes.ContainsKey(v) && other.ConstantValue is { HasValue: true, Value: null })
        {
            // A guard is never null.
            return kind == BinaryOperatorKind.Equals ? (null, state) : kind == BinaryOperatorKind.NotEquals ? (state, null) : (state, state);
        }

        if (!state.Facts.TryGetValue(v, out var signs) || SignLogic.ConstantOf(other) is not { } constant)
        {
            return (state, state);
        }

        var whereTrue = SignLogic.WhereTrue(kind, constant, valueOnLeft: onLeft is not null);
        return whereTrue is { } wt ? Split(state, v, signs, wt) : (state, state);
    }

    private (PathState?, PathState?) RefinePattern(PathState state, IOperation valueOp, IPatternOperation pattern)
    {
        if (_subjects.LocalOf(valueOp) is { } patternLocal)
        {
            switch (pattern)
            {
                case IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } }:
                    return SplitNull(state, patternLocal);
                case INegatedPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } }:
                    var (isNull, notNull) = SplitNull(state, patternLocal);
                    return (notNull, isNull);
                case IRecursivePatternOperation or IDeclarationPatternOperation:
                    var (_, nonNull) = SplitNull(state, patternLocal);
                    return (nonNull, state);
            }
        }

        if (ValueSubjects.ValueOf(valueOp, state) is not { } value || !state.Facts.TryGetValue(value, out var signs))
        {
            return (state, state);
        }

        Signs? whereTrue = pattern switch
        {
            IRelationalPatternOperation rel when SignLogic.ConstantOf(rel.Value) is { } c => SignLogic.WhereTrue(rel.OperatorKind, c, valueOnLeft: true),
            IConstantPatternOperation con when SignLogic.ConstantOf(con.Value) is { } c => SignLogic.WhereTrue(BinaryOperatorKind.Equals, c, valueOnLeft: true),
            INegatedPatternOperation { Pattern: IRelationalPatternOperation rel } when SignLogic.ConstantOf(rel.Value) is { } c => Not(SignLogic.WhereTrue(rel.OperatorKind, c, valueOnLeft: true)),
            INegatedPatternOperation { Pattern: IConstantPatternOperation con } when SignLogic.ConstantOf(con.Value) is { } c => Not(SignLogic.WhereTrue(BinaryOperatorKind.Equals, c, valueOnLeft: true)),
            _ => null,
        };

        return whereTrue is { } wt ? Split(state, value, signs, wt) : (state, state);
    }

    // Null-ness of a local: Zero = null, Positive = not null; unknown until tested, forgotten when assigned.
    private static (PathState? IsNull, PathState? NotNull) SplitNull(PathState state, ILocalSymbol local)
    {
        var key = ValueKey.Local(local);
        if (state.Values.ContainsKey(key))
        {
            return (state, state);
        }

        var known = state.Facts.TryGetValue(key, out var signs) ? signs : Signs.Zero | Signs.Positive;
        var isNull = known & Signs.Zero;
        var notNull = known & Signs.Positive;
        return (isNull == Signs.None ? null : state.WithFact(key, isNull), notNull == Signs.None ? null : state.WithFact(key, notNull));
    }

    private static Signs? Not(Signs? signs) => signs is { } s ? Signs.All & ~s : null;

    private static (PathState?, PathState?) Split(PathState state, ValueKey value, Signs known, Signs whereTrue)
    {
        var t = known & whereTrue;
        var f = known & ~whereTrue;
        return (t == Signs.None ? null : state.WithFact(value, t), f == Signs.None ? null : state.WithFact(value, f));
    }
}
