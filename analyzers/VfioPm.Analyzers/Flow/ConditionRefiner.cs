using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Splits a path state by a branch condition into the state where it is true and the state where it is false
/// (<see langword="null"/> for a side the facts rule out): comparisons with constants (<c>&lt; 0</c>, <c>== 0</c>,
/// <c>== -Errno.EAGAIN</c>), null tests, bool subjects, <c>!</c>, and patterns (relational, constant, <c>not</c>,
/// <c>and</c>/<c>or</c>). <c>&amp;&amp;</c>, <c>||</c>, ternaries and switch arms arrive here already lowered to one test
/// per block by the control-flow graph. A condition it does not understand leaves both sides as they were: refinement
/// only ever removes paths that cannot happen.
/// </summary>
internal sealed class ConditionRefiner
{
    private readonly ValueSubjects _subjects;
    private readonly FlowBody _body;

    public ConditionRefiner(ValueSubjects subjects, FlowBody body)
    {
        _subjects = subjects;
        _body = body;
    }

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
            case IInvocationOperation moveNext when _body.ForEach.OfMoveNext(moveNext) is { } loop:
                // A foreach ran out of elements: what its loop took or put per element is decided (ForEachLoops).
                return (ForEachPositions.KnownEmpty(state, loop.Collection) ? null : state, ForEachPositions.Exhausted(state, loop));
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } same when !state.Values.IsEmpty && MarkerTest(state, same) is { } test:
                var (atStop, beforeStop) = ForEachPositions.RefineMarker(state, test.Loop, test.Stop);
                return same.OperatorKind == BinaryOperatorKind.Equals ? (atStop, beforeStop) : (beforeStop, atStop);
            case IIsNullOperation isNull when IsScope(isNull.Operand, state):
                return (null, state);
            case IIsNullOperation isNull:
                var (nullSide, notNullSide) = RefineSubject(state, isNull.Operand, ValueSet.Zero);
                return (AbsentElement(nullSide, isNull.Operand), notNullSide);
            case IBinaryOperation binary:
                var (whenTrue, whenFalse) = RefineComparison(state, binary.OperatorKind, binary.LeftOperand, binary.RightOperand);
                return state.Elements.IsEmpty ? (whenTrue, whenFalse) : RefineReverseStart(RefineLoopBound(whenTrue, whenFalse, binary.OperatorKind, binary.LeftOperand, binary.RightOperand), binary);
            case IIsPatternOperation pattern:
                return RefinePattern(state, pattern.Value, pattern.Pattern);
        }

        // A bool used directly as the condition: a try-lock's result, or a local/parameter/member tested again.
        return condition.Type?.SpecialType == SpecialType.System_Boolean ? RefineSubject(state, condition, ValueSet.NonZero) : (state, state);
    }

    // "cur == failed": a foreach variable against a local that names an element of another loop over the same
    // collection (a marker), in either order.
    private (ForEachLoop Loop, ValueKey Stop)? MarkerTest(PathState state, IBinaryOperation test)
    {
        foreach (var (variable, other) in new[] { (test.LeftOperand, test.RightOperand), (test.RightOperand, test.LeftOperand) })
        {
            if (IndexLocal(variable) is { } current && _body.ForEach.OfVariable(current) is { } loop
                && IndexLocal(other) is { } named && state.Values.TryGetValue(ValueKey.Marker(named), out var stop)
                && !stop.Equals(loop.Position) && stop.Identity is ILocalSymbol stopVariable
                && _body.ForEach.OfVariable(stopVariable)?.Collection == loop.Collection)
            {
                return (loop, stop);
            }
        }

        return null;
    }

    private (PathState?, PathState?) RefineComparison(PathState state, BinaryOperatorKind kind, IOperation left, IOperation right)
    {
        if (kind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals)
        {
            var nullOther = right.ConstantValue is { HasValue: true, Value: null } ? left : left.ConstantValue is { HasValue: true, Value: null } ? right : null;
            if (nullOther is not null)
            {
                if (IsScope(nullOther, state))
                {
                    // A guard is never null.
                    return kind == BinaryOperatorKind.Equals ? (null, state) : (state, null);
                }

                var (isNull, notNull) = RefineSubject(state, nullOther, ValueSet.Zero);
                isNull = AbsentElement(isNull, nullOther);
                return kind == BinaryOperatorKind.Equals ? (isNull, notNull) : (notNull, isNull);
            }
        }

        if (kind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals && (Swapped(state, left, right) ?? Swapped(state, right, left)) is { } swap)
        {
            // A counted compare-and-exchange's result against its comparand: equal exactly when it swapped.
            var (swappedState, keptState) = RefineSubject(state, swap, ValueSet.One);
            return kind == BinaryOperatorKind.Equals ? (swappedState, keptState) : (keptState, swappedState);
        }

        if (ResultValues.ConstantOf(right) is { } onRight && ValueSet.WhereTrue(kind, onRight, valueOnLeft: true) is { } whereLeft)
        {
            return HeldUsageCount(state, left) is { } held ? Split(state, held, whereLeft) : RefineSubject(state, left, whereLeft);
        }

        if (ResultValues.ConstantOf(left) is { } onLeftCount && HeldUsageCount(state, right) is { } heldRight
            && ValueSet.WhereTrue(kind, onLeftCount, valueOnLeft: false) is { } whereRightCount)
        {
            return Split(state, heldRight, whereRightCount);
        }

        if (ResultValues.ConstantOf(left) is { } onLeft && ValueSet.WhereTrue(kind, onLeft, valueOnLeft: false) is { } whereRight)
        {
            return RefineSubject(state, right, whereRight);
        }

        return (state, state);
    }

    // "i < devices.Count" is false: the loop over the collection ran to its end, so a Prefix of it is every element and
    // a Suffix is none.
    private (PathState?, PathState?) RefineLoopBound(PathState? whenTrue, PathState? whenFalse, BinaryOperatorKind kind, IOperation left, IOperation right)
    {
        var (index, bound, mirrored) = IndexLocal(left) is { } l ? (l, right, false) : IndexLocal(right) is { } r ? (r, left, true) : default;
        if (index is null || _body.PathOf(bound) is not { } boundPath || CollectionOf(boundPath) is not { } collection)
        {
            return (whenTrue, whenFalse);
        }

        if (mirrored)
        {
            kind = kind switch
            {
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                _ => kind,
            };
        }

        var key = _body.SubjectOfLocal(index);
        return kind switch
        {
            BinaryOperatorKind.LessThan or BinaryOperatorKind.NotEquals => (Runs(whenTrue, collection), Exhausted(whenFalse, key, collection)),
            BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.Equals => (Exhausted(whenTrue, key, collection), Runs(whenFalse, collection)),
            _ => (whenTrue, whenFalse),
        };
    }

    // "i >= 0" false for an index set to "X.Count - 1" (declared so, or on this path), with every element of X still
    // held: the loop that puts them from the last one down never ran, so X is empty and what was held of it vacuous.
    private (PathState?, PathState?) RefineReverseStart((PathState? WhenTrue, PathState? WhenFalse) refined, IBinaryOperation test)
    {
        if (refined.WhenFalse is not { } whenFalse || test.OperatorKind != BinaryOperatorKind.GreaterThanOrEqual
            || test.RightOperand.ConstantValue is not { HasValue: true, Value: 0 } || IndexLocal(test.LeftOperand) is not { } index
            || (_body.Reverse.CollectionCountingDown(index) ?? whenFalse.LastElementOf(index)) is not { } collection)
        {
            return refined;
        }

        if (whenFalse.Elements.Any(kv => kv.Value.Kind == ElementHoldKind.All && kv.Key.Path.StartsWith(collection + "[]", System.StringComparison.Ordinal)))
        {
            whenFalse = ForEachPositions.Empty(whenFalse, collection);
        }

        return (refined.WhenTrue, whenFalse);
    }

    // The side where the loop's body runs: none over a collection known to be empty.
    private static PathState? Runs(PathState? state, string collection) =>
        state is not null && ForEachPositions.KnownEmpty(state, collection) ? null : state;

    private static PathState? Exhausted(PathState? state, ValueKey index, string collection)
    {
        if (state is null)
        {
            return null;
        }

        if (state.Facts.TryGetValue(index, out var at) && at.AsConstant == 0)
        {
            return ForEachPositions.Empty(state, collection); // "0 < X.Count" is false
        }

        foreach (var kv in state.Elements)
        {
            if (kv.Value.Index is { } i && i.Equals(index) && kv.Value.Offset >= 0 && kv.Key.Path.StartsWith(collection + "[]", System.StringComparison.Ordinal))
            {
                state = kv.Value.Kind switch
                {
                    ElementHoldKind.Prefix => state.WithElements(kv.Key, ElementHold.All(kv.Value.Site, kv.Value.IsLock)),
                    ElementHoldKind.Suffix => state.WithElements(kv.Key, null),
                    _ => state,
                };
            }
        }

        return state;
    }

    private static string? CollectionOf(string boundPath) =>
        boundPath.EndsWith(".Count", System.StringComparison.Ordinal) ? boundPath.Substring(0, boundPath.Length - 6)
        : boundPath.EndsWith(".Length", System.StringComparison.Ordinal) ? boundPath.Substring(0, boundPath.Length - 7)
        : null;

    private ILocalSymbol? IndexLocal(IOperation op) => op switch
    {
        IConversionOperation c => IndexLocal(c.Operand),
        ILocalReferenceOperation l => l.Local,
        IFlowCaptureReferenceOperation cr when _body.CaptureLocals.TryGetValue(cr.Id, out var local) => local,
        _ => null,
    };

    private (PathState?, PathState?) RefinePattern(PathState state, IOperation value, IPatternOperation pattern)
    {
        if (pattern is IRecursivePatternOperation or IDeclarationPatternOperation or ITypePatternOperation)
        {
            // Matching a type (or "is { }") proves the value is not null; not matching proves nothing.
            if (value.Type is { IsReferenceType: true } || value.Type?.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                var (_, notNull) = RefineSubject(state, value, ValueSet.Zero);
                return (notNull, state);
            }

            return (state, state);
        }

        return WhereMatches(pattern) is { } where ? RefineSubject(state, value, where) : (state, state);
    }

    // The values a pattern matches, or null when it is not a pattern over values.
    private static ValueSet? WhereMatches(IPatternOperation pattern) => pattern switch
    {
        IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } => ValueSet.Zero,
        IConstantPatternOperation con when ResultValues.ConstantOf(con.Value) is { } c => ValueSet.Single(c),
        IRelationalPatternOperation rel when ResultValues.ConstantOf(rel.Value) is { } c => ValueSet.WhereTrue(rel.OperatorKind, c, valueOnLeft: true),
        INegatedPatternOperation negated => WhereMatches(negated.Pattern)?.Complement(),
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.And } both when WhereMatches(both.LeftPattern) is { } l && WhereMatches(both.RightPattern) is { } r => l.Intersect(r),
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } either when WhereMatches(either.LeftPattern) is { } l && WhereMatches(either.RightPattern) is { } r => l.Union(r),
        IDiscardPatternOperation => ValueSet.All,
        _ => null,
    };

    /// <summary>
    /// On the side of a null test where this iteration's element is null ("if (!drvdata) continue;" of
    /// for_each_possible_cpu): there is no device to take or put, so the element is in whichever state the loop's
    /// operation would leave it — the hold steps past it as the get (Prefix) or put (Suffix, reverse Prefix, the first
    /// put of All) the test guards would have. Holds indexed by another local, and every other shape, are unchanged.
    /// </summary>
    private PathState? AbsentElement(PathState? state, IOperation element)
    {
        if (state is null || state.Elements.IsEmpty || _body.PathOf(element) is not { } path || !path.EndsWith("[]", System.StringComparison.Ordinal))
        {
            return state;
        }

        var unwrapped = element;
        while (unwrapped is IConversionOperation c)
        {
            unwrapped = c.Operand;
        }

        var indexLocal = unwrapped is ILocalReferenceOperation copy && _body.Keys.ElementIndexOfCopy(copy.Local) is { } copied
            ? copied
            : ResourceKeys.ElementIndexOf(unwrapped, _body.CaptureLocals, _body.CaptureDefinitions, _body.Keys);
        if (indexLocal is null)
        {
            return state;
        }

        var index = _body.SubjectOfLocal(indexLocal);
        var next = state;
        foreach (var kv in state.Elements)
        {
            if (!kv.Key.Path.StartsWith(path + ".", System.StringComparison.Ordinal))
            {
                continue;
            }

            var hold = kv.Value;
            ElementHold? stepped = hold switch
            {
                { Kind: ElementHoldKind.Prefix, Offset: 0 } when index.Equals(hold.Index) => hold with { Offset = 1 },
                { Kind: ElementHoldKind.Prefix, Offset: 1 } when index.Equals(hold.Index) => hold with { Offset = 0 },
                { Kind: ElementHoldKind.Suffix, Offset: 0 } when index.Equals(hold.Index) => hold with { Offset = 1 },
                { Kind: ElementHoldKind.All } when state.Facts.TryGetValue(index, out var start) && start.AsConstant == 0 => ElementHold.Suffix(index, 1, hold.Site, hold.IsLock),
                _ => null,
            };
            if (stepped is not null)
            {
                next = next.WithElements(kv.Key, stepped);
            }
        }

        return next;
    }

    private (PathState?, PathState?) RefineSubject(PathState state, IOperation op, ValueSet whereTrue)
    {
        if (_subjects.Subject(op, state) is not { } subject)
        {
            return (state, state);
        }

        var t = subject.Known.Intersect(whereTrue);
        var f = subject.Known.Except(whereTrue);
        return (t.IsEmpty ? null : state.WithFact(subject.Key, t), f.IsEmpty ? null : state.WithFact(subject.Key, f));
    }

    // "supplier.Power.UsageCount > 0" on a path that holds n references on supplier.Power: the count is at least n (the
    // safety net of pm_runtime_release_supplier() never stops a loop that holds what it is about to put).
    private ValueSet? HeldUsageCount(PathState state, IOperation op)
    {
        while (op is IConversionOperation or IParenthesizedOperation)
        {
            op = op is IConversionOperation c ? c.Operand : ((IParenthesizedOperation)op).Operand;
        }

        if (op is IPropertyReferenceOperation { Property: { Name: "UsageCount", ContainingType: { Name: "RuntimePm", ContainingNamespace: { Name: "Power", ContainingNamespace: { Name: "Runtime", ContainingNamespace.Name: "VfioPm" } } } }, Instance: { } pm }
            && _body.PathOf(pm) is { } path && state.CountOf(new ResourceKey(path)) is > 0 and var count)
        {
            return ValueSet.Range(count, long.MaxValue);
        }

        return null;
    }

    // The result of a counted compare-and-exchange (ContractForms.CountedExchangeOf) compared with its own comparand.
    private IOperation? Swapped(PathState state, IOperation result, IOperation other)
    {
        if (ValueSubjects.ValueOf(result, state) is not { Kind: ValueKeyKind.Result, Identity: IInvocationOperation call }
            || ContractForms.CountedExchangeOf(call) is not { } exchange)
        {
            return null;
        }

        var comparand = _body.SubjectOf(exchange.Comparand);
        return comparand is not null && comparand.Equals(_body.SubjectOf(other)) ? result : null;
    }

    private static (PathState?, PathState?) Split(PathState state, ValueSet known, ValueSet whereTrue) =>
        (known.Overlaps(whereTrue) ? state : null, known.IsSubsetOf(whereTrue) ? null : state);

    private static bool IsScope(IOperation op, PathState state) => ValueSubjects.ValueOf(op, state) is { } value && state.Scopes.ContainsKey(value);
}
