using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>Which <see cref="ValueKey"/> an expression reads, for the visitor, the refinement and the exit checks.</summary>
internal sealed class ValueSubjects
{
    private readonly FlowBody _body;

    public ValueSubjects(FlowBody body) => _body = body;

    /// <summary>The tracked result (or scope) an expression stands for on this path, if any.</summary>
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
                return state.Resolve(ValueKey.Local(l.Local));
            case IFlowCaptureReferenceOperation cr:
                return state.Resolve(ValueKey.Capture(cr.Id));
            default:
                return null;
        }
    }

    /// <summary>The signs a returned expression can have on this path: a constant's, or a tracked result's.</summary>
    public static Signs? SignsOf(IOperation op, PathState state)
    {
        if (SignLogic.ConstantOf(op) is { } constant)
        {
            return constant < 0 ? Signs.Negative : constant == 0 ? Signs.Zero : Signs.Positive;
        }

        return ValueOf(op, state) is { } value && state.Facts.TryGetValue(value, out var signs) ? signs : null;
    }

    /// <summary>The local an expression reads (directly or through a flow capture), for null-ness facts.</summary>
    public ILocalSymbol? LocalOf(IOperation op) => op switch
    {
        IConversionOperation c => LocalOf(c.Operand),
        ILocalReferenceOperation l => l.Local,
        IFlowCaptureReferenceOperation cr when _body.CaptureLocals.TryGetValue(cr.Id, out var local) => local,
        _ => null,
    };

    /// <summary>
    /// A condition whose value is the same each time it is read in this method: an unassigned-since bool local, a
    /// readonly field, or a get-only property of the receiver (latched configuration such as DisableIdleD3).
    /// </summary>
    public ValueKey? StableKeyOf(IOperation op)
    {
        switch (op)
        {
            case IConversionOperation c:
                return StableKeyOf(c.Operand);
            case ILocalReferenceOperation l:
                return ValueKey.Local(l.Local);
            case IFlowCaptureReferenceOperation cr when _body.CaptureLocals.TryGetValue(cr.Id, out var local):
                return ValueKey.Local(local);
            case IFieldReferenceOperation { Field.IsReadOnly: true } f:
                return _body.PathOf(f) is { } fieldPath ? ValueKey.Member(fieldPath) : null;
            case IPropertyReferenceOperation { Property: { SetMethod: null, IsIndexer: false } } p:
                return _body.PathOf(p) is { } propertyPath ? ValueKey.Member(propertyPath) : null;
            default:
                return null;
        }
    }
}
