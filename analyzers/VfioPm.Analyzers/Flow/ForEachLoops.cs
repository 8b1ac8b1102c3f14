using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>A foreach over a collection with a plain access path ("devSet.Devices"): the loops element holds follow.</summary>
/// <param name="Variable">The iteration variable.</param>
/// <param name="Collection">The collection's path.</param>
/// <param name="ElementNotNull">The collection's element type is a reference type not annotated nullable (or a value type).</param>
internal sealed record ForEachLoop(ILocalSymbol Variable, string Collection, bool ElementNotNull)
{
    /// <summary>The position of the variable's element: <see cref="ValueKeyKind.Iteration"/>.</summary>
    public ValueKey Position => ValueKey.Iteration(Variable);

    /// <summary>"cur.Pdev.Power" → "devSet.Devices[].Pdev.Power"; null for a key not under the variable.</summary>
    public ResourceKey? ElementKey(ResourceKey key) =>
        RootIs(key, Variable.Name) ? new ResourceKey(Collection + "[]" + key.Path.Substring(Variable.Name.Length)) : null;

    /// <summary>Whether <paramref name="key"/>'s path starts with the local <paramref name="name"/> ("cur", "cur.Pdev.Power").</summary>
    public static bool RootIs(ResourceKey key, string name) =>
        key.Path.StartsWith(name, System.StringComparison.Ordinal) && (key.Path.Length == name.Length || key.Path[name.Length] == '.');
}

/// <summary>
/// foreach loops as loops over positions. The graph lowers a foreach to GetEnumerator, then MoveNext before every
/// iteration; the variable's <see cref="ValueKeyKind.Iteration"/> position is -1 at the first and one more at each
/// MoveNext. Within an iteration a get or a lock on the variable ("cur.Pdev.Power") is an ordinary count, so the body's
/// own checks (device access, put after get) work as for any device; what is still held when the iteration ends is
/// folded into the collection's <see cref="ElementHold"/> ("devSet.Devices[].Pdev.Power"): a loop that takes one per
/// iteration builds a Prefix, which is every element where the loop is exhausted. A put on the variable with nothing
/// counted is a put of the collection's element at the current position: a put-all loop takes a held-whole collection
/// apart as a Suffix, and the kernel's "remember the failing device, put every one before it" unwind as an UpTo its
/// marker (the state transitions are <see cref="ForEachPositions"/>).
/// </summary>
internal sealed class ForEachLoops
{
    private readonly FlowBody _body;
    private Dictionary<SyntaxNode, ForEachLoop>? _loops;
    private Dictionary<ILocalSymbol, ForEachLoop>? _variables;
    private HashSet<(ResourceKey, bool)>? _taken;
    private Dictionary<ForEachLoop, IOperation>? _bodies;
    private Dictionary<ForEachLoop, List<string>>? _cursors;

    public ForEachLoops(FlowBody body) => _body = body;

    /// <summary>The loop whose iteration variable <paramref name="local"/> is.</summary>
    public ForEachLoop? OfVariable(ILocalSymbol local)
    {
        Build();
        return _variables!.TryGetValue(local, out var loop) ? loop : null;
    }

    /// <summary>The loop whose variable <paramref name="value"/> reads (through conversions), or null.</summary>
    public ForEachLoop? NamedElement(IOperation value)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        // Cheap before the body's loops are collected: only a local declared by a foreach can be one.
        return value is ILocalReferenceOperation { Local: { } local } && local.DeclaringSyntaxReferences.Length == 1
            && local.DeclaringSyntaxReferences[0].GetSyntax() is ForEachStatementSyntax ? OfVariable(local) : null;
    }

    /// <summary>The loop whose enumerator this implicit GetEnumerator call creates (where its position starts).</summary>
    public ForEachLoop? OfEnumerator(IInvocationOperation call) =>
        call.IsImplicit && call.TargetMethod.Name == "GetEnumerator" ? OfLoweredCall(call) : null;

    /// <summary>The loop whose next element this implicit MoveNext call moves to.</summary>
    public ForEachLoop? OfMoveNext(IInvocationOperation call) =>
        call.IsImplicit && call.TargetMethod.Name == "MoveNext" ? OfLoweredCall(call) : null;

    /// <summary>
    /// The element key and position a key on an enclosing foreach's variable stands for (a put on "cur.Pdev.Power"
    /// inside <c>foreach (var cur in devSet.Devices)</c>), or null.
    /// </summary>
    public (ResourceKey Element, ValueKey Position)? ElementOf(IOperation site, ResourceKey key)
    {
        Build();
        for (var node = site.Syntax.Parent; node is not null; node = node.Parent)
        {
            if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)
            {
                return null;
            }

            if (node is ForEachStatementSyntax syntax && _loops!.TryGetValue(syntax, out var loop) && loop.ElementKey(key) is { } element)
            {
                return (element, loop.Position);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether some foreach of the body takes elements of <paramref name="element"/> through its variable. A put on a
    /// foreach variable on a path that took none is then not judged: which elements a conditional taking loop took
    /// and a conditional putting loop puts cannot be matched one by one (the same filter on both is the common,
    /// correct form).
    /// </summary>
    public bool TakenInSomeLoop(ResourceKey element, bool isLock)
    {
        var taken = _taken;
        if (taken is null)
        {
            // Built whole, then published (rules read a finished result from several threads).
            Build();
            taken = new HashSet<(ResourceKey, bool)>();
            foreach (var op in ResourceKeys.Walk(_body.Cfg.OriginalOperation))
            {
                if (op is not IInvocationOperation call || _body.Contracts.For(call.TargetMethod) is not { IsEmpty: false } contract)
                {
                    continue;
                }

                if (contract.AcquiresPm && _body.ComputeKey(call, contract.AcquiresPmTarget, isLock: false) is { } pm && TakenElementOf(call, pm) is { } pmElement)
                {
                    taken.Add((pmElement, false));
                }

                if (contract.AcquiresLock != LockMode.None && _body.ComputeKey(call, contract.AcquiresLockTarget, isLock: true) is { } held && TakenElementOf(call, held) is { } lockElement)
                {
                    taken.Add((lockElement, true));
                }
            }

            _taken = taken;
        }

        return taken.Contains((element, isLock));
    }

    /// <summary>The call in <paramref name="loop"/>'s body that takes the lock <paramref name="key"/> on its variable, or null.</summary>
    public IOperation? LockAcquireSite(ForEachLoop loop, ResourceKey key)
    {
        Build();
        if (!_bodies!.TryGetValue(loop, out var body))
        {
            return null;
        }

        foreach (var op in ResourceKeys.Walk(body))
        {
            if (op is IInvocationOperation call && _body.Contracts.For(call.TargetMethod) is { AcquiresLock: not LockMode.None } contract
                && _body.ComputeKey(call, contract.AcquiresLockTarget, isLock: true) is { } taken && TakenElementOf(call, taken) is { } element
                && element == loop.ElementKey(key))
            {
                return call;
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="key"/> with its root local replaced by the foreach variable whose current element the local
    /// names on this path (a marker to the position of an enclosing loop); the key itself otherwise.
    /// </summary>
    public ResourceKey OnVariable(IOperation site, ResourceKey key, PathState state)
    {
        // Asked for every contract call of a body whose paths carry any value: no allocation until a marker matches.
        foreach (var kv in state.Values)
        {
            if (kv.Key.Kind == ValueKeyKind.Marker && kv.Value.Kind == ValueKeyKind.Iteration && kv.Key.Identity is ILocalSymbol local
                && ForEachLoop.RootIs(key, local.Name) && kv.Value.Identity is ILocalSymbol variable && Encloses(site, variable))
            {
                return new ResourceKey(variable.Name + key.Path.Substring(local.Name.Length));
            }
        }

        return key;
    }

    private bool Encloses(IOperation site, ILocalSymbol variable)
    {
        Build();
        for (var node = site.Syntax.Parent; node is not null; node = node.Parent)
        {
            if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)
            {
                return false;
            }

            if (node is ForEachStatementSyntax syntax && _loops!.TryGetValue(syntax, out var loop) && SymbolEqualityComparer.Default.Equals(loop.Variable, variable))
            {
                return true;
            }
        }

        return false;
    }

    // The element key an acquire inside a foreach takes: through the variable, or through a cursor local the loop sets
    // to it ("cur_pm = cur" — any local assigned the variable inside the loop).
    private ResourceKey? TakenElementOf(IInvocationOperation call, ResourceKey key)
    {
        if (ElementOf(call, key) is { } element)
        {
            return element.Element;
        }

        for (var node = call.Syntax.Parent; node is not null && node is not MemberDeclarationSyntax; node = node.Parent)
        {
            if (node is ForEachStatementSyntax syntax && _loops!.TryGetValue(syntax, out var loop) && _cursors!.TryGetValue(loop, out var cursors))
            {
                foreach (var cursor in cursors)
                {
                    if (ForEachLoop.RootIs(key, cursor))
                    {
                        return loop.ElementKey(new ResourceKey(loop.Variable.Name + key.Path.Substring(cursor.Length)));
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The mode every state holds the current element's lock in, for a call on an enclosing foreach's variable over a
    /// collection held per element (<c>foreach (var d in _devices) d.SetPowerStateLocked(D0);</c> after "one
    /// memory_lock per member"); None otherwise. The mode is the one the contract that took them states (or the
    /// method's own, for the caller's locks).
    /// </summary>
    public LockMode ElementLockMode(IInvocationOperation invocation, ResourceKey key, IReadOnlyCollection<PathState> states)
    {
        if (states.Count == 0 || ElementOf(invocation, key) is not { } element)
        {
            return LockMode.None;
        }

        var mode = LockMode.Exclusive;
        foreach (var state in states)
        {
            if (state.ElementsOf(element.Element) is not { IsLock: true } hold || !HoldsAt(hold, element.Position))
            {
                return LockMode.None;
            }

            var held = hold.Site is IInvocationOperation call ? _body.Contracts.For(call.TargetMethod).AcquiresLock
                : _body.Self.RequiresLock != LockMode.None ? _body.Self.RequiresLock : LockMode.Exclusive;
            mode = held < mode ? held : mode;
        }

        return mode;
    }

    /// <summary>
    /// Whether a state holds the runtime-PM reference of the current element a key on a foreach variable (or on a local
    /// naming its element) names: counted in this iteration, or part of the collection's hold.
    /// </summary>
    public bool HoldsElementReference(IOperation site, ResourceKey key, PathState state)
    {
        if (!state.Values.IsEmpty && OnVariable(site, key, state) is var onVariable && onVariable != key && state.CountOf(onVariable) > 0)
        {
            return true;
        }

        return !state.Elements.IsEmpty && ElementOf(site, key) is { } element
            && state.ElementsOf(element.Element) is { IsLock: false } hold && HoldsAt(hold, element.Position);
    }

    private static bool HoldsAt(ElementHold hold, ValueKey position) =>
        hold.Kind == ElementHoldKind.All || (hold.Index.Equals(position) && hold.HoldsCurrent);

    private ForEachLoop? OfLoweredCall(IInvocationOperation call)
    {
        Build();
        var syntax = call.Syntax as ForEachStatementSyntax ?? (call.Syntax.Parent is ForEachStatementSyntax parent && parent.Expression == call.Syntax ? parent : null);
        return syntax is not null && _loops!.TryGetValue(syntax, out var loop) ? loop : null;
    }

    private void Build()
    {
        if (_loops is not null)
        {
            return;
        }

        // Built whole, then published: rules read a finished result from several threads.
        var loops = new Dictionary<SyntaxNode, ForEachLoop>();
        var variables = new Dictionary<ILocalSymbol, ForEachLoop>(SymbolEqualityComparer.Default);
        var bodies = new Dictionary<ForEachLoop, IOperation>();
        var cursors = new Dictionary<ForEachLoop, List<string>>();
        foreach (var op in ResourceKeys.Walk(_body.Cfg.OriginalOperation))
        {
            if (op is IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation { Symbol: { } variable } } loop
                && loop.Syntax is ForEachStatementSyntax syntax && CollectionOf(loop) is { } collection)
            {
                var collectionType = (loop.Collection is IConversionOperation c ? c.Operand : loop.Collection).Type;
                var element = collectionType is null ? null : ElementPaths.ElementType(collectionType);
                var notNull = element is { IsValueType: true } || element is { IsReferenceType: true, NullableAnnotation: not NullableAnnotation.Annotated };
                var info = new ForEachLoop(variable, collection, notNull);
                loops[syntax] = info;
                variables[variable] = info;
                bodies[info] = loop.Body;
                cursors[info] = CursorsOf(loop.Body, variable);
            }
        }

        _variables = variables;
        _bodies = bodies;
        _cursors = cursors;
        _loops = loops;
    }

    // The locals a loop's body assigns its variable to ("cur_pm = cur"): each names the current element there.
    private static List<string> CursorsOf(IOperation body, ILocalSymbol variable)
    {
        var cursors = new List<string>();
        foreach (var op in ResourceKeys.Walk(body))
        {
            if (op is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target, Value: var value })
            {
                while (value is IConversionOperation conversion)
                {
                    value = conversion.Operand;
                }

                if (value is ILocalReferenceOperation source && SymbolEqualityComparer.Default.Equals(source.Local, variable) && !cursors.Contains(target.Local.Name))
                {
                    cursors.Add(target.Local.Name);
                }
            }
        }

        return cursors;
    }

    private string? CollectionOf(IForEachLoopOperation loop)
    {
        var collection = loop.Collection;
        while (collection is IConversionOperation conversion)
        {
            collection = conversion.Operand;
        }

        return _body.Keys.PathOf(collection);
    }
}
