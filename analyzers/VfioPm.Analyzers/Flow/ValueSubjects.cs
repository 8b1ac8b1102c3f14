using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>Which <see cref="ValueKey"/> an expression reads on a path, and what is known about it there.</summary>
internal sealed class ValueSubjects
{
    private readonly FlowBody _body;

    public ValueSubjects(FlowBody body) => _body = body;

    /// <summary>The tracked call result (or scope) an expression stands for on this path, if any.</summary>
    public static ValueKey? ValueOf(IOperation op, PathState state)
    {
        switch (op)
        {
            case IConversionOperation c:
                return ValueOf(c.Operand, state);
            case IParenthesizedOperation p:
                return ValueOf(p.Operand, state);
            case ISimpleAssignmentOperation assignment:
                // "(ret = pm.ResumeAndGet()) < 0": an assignment's value is what it assigns.
                return ValueOf(assignment.Value, state);
            case IInvocationOperation:
                var result = ValueKey.Result(op);
                return state.Facts.ContainsKey(result) || state.Scopes.ContainsKey(result) ? result : null;
            case ILocalReferenceOperation l:
                return ResultOnly(state.Resolve(ValueKey.Local(l.Local)));
            case IFlowCaptureReferenceOperation cr:
                return ResultOnly(state.Resolve(ValueKey.Capture(cr.Id)));
            default:
                return null;
        }
    }

    // A local or capture stands for a call's result (or a scope); what is known about the local itself is its own fact.
    private static ValueKey? ResultOnly(ValueKey? key) => key is { Kind: ValueKeyKind.Result } ? key : null;

    /// <summary>
    /// The subject an expression reads on this path and what is known about it: a tracked call result first, else a
    /// local, parameter or member path that is tracked in this body (or already has a fact). Null: nothing to refine.
    /// </summary>
    public (ValueKey Key, ValueSet Known)? Subject(IOperation op, PathState state)
    {
        if (ValueOf(op, state) is { } value)
        {
            return state.Facts.TryGetValue(value, out var facts) ? (value, facts) : null;
        }

        if ((_body.TrackedSubjects.Count == 0 && state.Facts.IsEmpty) || Unwrap(op) is IInvocationOperation || _body.SubjectOf(op) is not { } subject || state.Values.ContainsKey(subject))
        {
            return null;
        }

        if (state.Facts.TryGetValue(subject, out var known))
        {
            return (subject, known);
        }

        return _body.TrackedSubjects.Contains(subject) ? (subject, ValueSet.All) : null;
    }

    /// <summary>What a returned expression can be on this path: a constant, or what is known about its subject.</summary>
    public ValueSet? ValuesOf(IOperation op, PathState state)
    {
        if (ResultValues.ConstantOf(op) is { } constant)
        {
            return ValueSet.Single(constant);
        }

        return Subject(op, state)?.Known;
    }

    private static IOperation Unwrap(IOperation op) => op switch
    {
        IConversionOperation c => Unwrap(c.Operand),
        IParenthesizedOperation p => Unwrap(p.Operand),
        _ => op,
    };
}
