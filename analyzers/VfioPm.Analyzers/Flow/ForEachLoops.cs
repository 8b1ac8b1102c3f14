using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The put-all loop over a collection whose elements a path holds (<c>foreach (var d in held) d.Pdev.Power.Put();</c>
/// after a per-element acquire contract): inside the loop a put on the iteration variable ("d.Pdev.Power") is one of
/// the collection's elements ("held[].Pdev.Power"), and where the loop is exhausted every element has been put if — and
/// only if — the body puts the variable once on every iteration (a statement of its own, in a body with no
/// <c>continue</c>, <c>break</c>, <c>return</c>, <c>goto</c> or <c>throw</c>). A loop that skips some elements leaves
/// the hold standing, and the exit check reports it.
/// </summary>
internal sealed class ForEachLoops
{
    private readonly FlowBody _body;
    private Dictionary<SyntaxNode, IForEachLoopOperation>? _loops;

    public ForEachLoops(FlowBody body) => _body = body;

    /// <summary>The element key a put on the iteration variable of an enclosing foreach stands for, or null.</summary>
    public ResourceKey? ElementKeyOf(IInvocationOperation invocation, ResourceKey key)
    {
        for (var node = invocation.Syntax.Parent; node is not null; node = node.Parent)
        {
            if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)
            {
                return null;
            }

            if (node is ForEachStatementSyntax loop)
            {
                var variable = loop.Identifier.ValueText;
                if ((key.Path == variable || key.Path.StartsWith(variable + ".", System.StringComparison.Ordinal)) && CollectionOf(loop) is { } collection)
                {
                    return new ResourceKey(collection + "[]" + key.Path.Substring(variable.Length));
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The mode every state holds every element's lock in, of the collection an enclosing foreach's variable stands for
    /// (<c>foreach (var d in _devices) d.SetPowerStateLocked(D0);</c> after "one memory_lock per member"); None otherwise.
    /// The mode is the one the contract that took them states (or the method's own, for the caller's locks).
    /// </summary>
    public LockMode ElementLockMode(IInvocationOperation invocation, ResourceKey key, IReadOnlyCollection<PathState> states)
    {
        if (states.Count == 0 || ElementKeyOf(invocation, key) is not { } elementKey)
        {
            return LockMode.None;
        }

        var mode = LockMode.Exclusive;
        foreach (var state in states)
        {
            if (state.ElementsOf(elementKey) is not { Kind: ElementHoldKind.All, IsLock: true } hold)
            {
                return LockMode.None;
            }

            var held = hold.Site is IInvocationOperation call ? _body.Contracts.For(call.TargetMethod).AcquiresLock
                : _body.Self.RequiresLock != LockMode.None ? _body.Self.RequiresLock : LockMode.Exclusive;
            mode = held < mode ? held : mode;
        }

        return mode;
    }

    /// <summary>The state on the branch where the foreach of <paramref name="moveNext"/> is exhausted, or null when it is no foreach's MoveNext.</summary>
    public PathState? Exhausted(PathState state, IInvocationOperation moveNext)
    {
        var loop = moveNext.Syntax as ForEachStatementSyntax ?? (moveNext.Syntax.Parent is ForEachStatementSyntax parent && parent.Expression == moveNext.Syntax ? parent : null);
        if (loop is null || CollectionOf(loop) is not { } collection)
        {
            return null;
        }

        foreach (var kv in state.Elements)
        {
            if (kv.Value.Kind == ElementHoldKind.All && kv.Key.Path.StartsWith(collection + "[]", System.StringComparison.Ordinal)
                && PutsEveryElement(loop, loop.Identifier.ValueText + kv.Key.Path.Substring(collection.Length + 2), kv.Value.IsLock))
            {
                state = state.WithElements(kv.Key, null);
            }
        }

        return state;
    }

    private bool PutsEveryElement(ForEachStatementSyntax syntax, string perIteration, bool isLock)
    {
        if (LoopOf(syntax) is not { Body: { } body })
        {
            return false;
        }

        foreach (var op in ResourceKeys.Walk(body))
        {
            if (op is IBranchOperation or IReturnOperation or IThrowOperation)
            {
                return false; // some iteration may skip the put
            }
        }

        var statements = body is IBlockOperation block ? (IEnumerable<IOperation>)block.Operations : new[] { body };
        foreach (var statement in statements)
        {
            if (statement is IExpressionStatementOperation { Operation: IInvocationOperation call })
            {
                var contract = _body.Contracts.For(call.TargetMethod);
                var key = isLock
                    ? contract.ReleasesLock ? _body.ComputeKey(call, contract.ReleasesLockTarget, isLock: true) : null
                    : contract.ReleasesPm ? _body.ComputeKey(call, contract.ReleasesPmTarget, isLock: false) : null;
                if (key?.Path == perIteration)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private string? CollectionOf(ForEachStatementSyntax syntax)
    {
        var collection = LoopOf(syntax)?.Collection;
        while (collection is IConversionOperation conversion)
        {
            collection = conversion.Operand;
        }

        return collection is null ? null : _body.Keys.PathOf(collection);
    }

    private IForEachLoopOperation? LoopOf(SyntaxNode syntax)
    {
        var loops = _loops;
        if (loops is null)
        {
            // Built whole, then published: rules read a finished result from several threads.
            loops = new Dictionary<SyntaxNode, IForEachLoopOperation>();
            foreach (var op in ResourceKeys.Walk(_body.Cfg.OriginalOperation))
            {
                if (op is IForEachLoopOperation loop)
                {
                    loops[loop.Syntax] = loop;
                }
            }

            _loops = loops;
        }

        return loops.TryGetValue(syntax, out var found) ? found : null;
    }
}
