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
    private readonly Action<IOperation, IReadOnlyCollection<PathState>>? _observer;

    public OperationVisitor(FlowBody body, ContractEffects effects, Action<IOperation, IReadOnlyCollection<PathState>>? observer)
    {
        _body = body;
        _effects = effects;
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
                return ApplyInvocation(invocation, states);
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                _observer?.Invoke(op, states);
                return states;
            case IFlowCaptureOperation capture:
                return Map(states, s => s.WithValue(ValueKey.Capture(capture.Id), ValueSubjects.ValueOf(capture.Value, s)));
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                return Map(states, s => ForgetNullness(s, local.Local).WithValue(ValueKey.Local(local.Local), ValueSubjects.ValueOf(assignment.Value, s)));
            case IVariableDeclaratorOperation { Initializer: { } init } declarator:
                return Map(states, s => ForgetNullness(s, declarator.Symbol).WithValue(ValueKey.Local(declarator.Symbol), ValueSubjects.ValueOf(init.Value, s)));
            default:
                return states;
        }
    }

    private static PathState ForgetNullness(PathState state, ILocalSymbol local)
    {
        var key = ValueKey.Local(local);
        return state.Facts.ContainsKey(key) && !state.Values.ContainsKey(key) ? state.WithoutFact(key) : state;
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
        var contract = _body.Contracts.For(invocation.TargetMethod);
        if (contract.IsEmpty)
        {
            return states;
        }

        var result = new HashSet<PathState>();
        foreach (var state in states)
        {
            foreach (var next in _effects.Apply(invocation, contract, state))
            {
                result.Add(next);
            }
        }

        return result;
    }
}
