using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The effect model: what a call with a contract does to one path state. Releases are applied before acquires, lock
/// acquires before PM acquires; an acquire that can fail splits the state by its result (held with the success values,
/// not held with the failure values).
/// </summary>
/// <remarks>
/// Extension point: a new contract form (ownership handed to object state, a reference per element of a collection,
/// a flag-conditional acquire) is a new branch of <see cref="Apply"/> that moves counts between
/// <see cref="ResourceKey"/>s (an object-state key is just another path, "this.PmHeld" or "vdev.Pdev[].Power") and
/// records what the result says in a value fact. The domain (<see cref="PathState"/>) needs no change for that: keys are
/// paths, facts are keyed by <see cref="ValueKey"/>.
/// </remarks>
internal sealed class ContractEffects
{
    private readonly FlowBody _body;
    private readonly FindingSink _sink;
    private readonly ElementEffects _elements;

    public ContractEffects(FlowBody body, FindingSink sink)
    {
        _body = body;
        _sink = sink;
        Forms = new ContractForms(body, sink);
        _elements = new ElementEffects(body, sink);
    }

    /// <summary>The ownership forms (latched flags, release on success, state-owned references).</summary>
    public ContractForms Forms { get; }

    /// <summary>The states after <paramref name="invocation"/> (one, or two for an acquire that can fail).</summary>
    public IEnumerable<PathState> Apply(IInvocationOperation invocation, MethodContract contract, PathState state)
    {
        // Dispose of a scope object releases what the scope holds.
        if ((contract.ReleasesPm || contract.ReleasesLock) && invocation.Instance is { } scopeReceiver
            && ValueSubjects.ValueOf(scopeReceiver, state) is { } scopeValue && state.Scopes.TryGetValue(scopeValue, out var binding))
        {
            yield return binding.IsLock ? ReleaseLock(invocation, binding.Key, state) : ReleasePm(invocation, binding.Key, state);
            yield break;
        }

        // A guard whose origin is not visible here (a parameter, a field) is not ours to balance.
        if ((contract.ReleasesPm || contract.ReleasesLock) && invocation.Instance is { } guard && ReturnsScopeType(guard.Type, contract.ReleasesLock))
        {
            yield return state;
            yield break;
        }

        var current = state;
        if (contract.ReleasesPm && Cursor(invocation, _body.PmKeyFor(invocation, contract.ReleasesPmTarget), state) is { } releaseKey)
        {
            current = ElementPaths.IsPerElement(contract.ReleasesPmTarget) && ElementEffects.IsElementKey(releaseKey)
                ? ReleaseEvery(invocation, releaseKey, current, isLock: false)
                : ReleasePm(invocation, releaseKey, current);
        }

        if (contract.ReleasesLock && Cursor(invocation, _body.LockKeyFor(invocation, contract.ReleasesLockTarget), state) is { } unlockKey)
        {
            if (contract.IsMonitor)
            {
                _body.MonitorKeys.Add(unlockKey);
            }

            current = ElementPaths.IsPerElement(contract.ReleasesLockTarget) && ElementEffects.IsElementKey(unlockKey)
                ? ReleaseEvery(invocation, unlockKey, current, isLock: true)
                : ReleaseLock(invocation, unlockKey, current);
        }

        if (contract.AcquiresLock != LockMode.None && Cursor(invocation, _body.LockKeyFor(invocation, contract.AcquiresLockTarget), state) is { } lockKey)
        {
            if (contract.IsMonitor)
            {
                _body.MonitorKeys.Add(lockKey);
            }

            var result = ValueKey.Result(invocation);
            if (ElementEffects.IsElementKey(lockKey) && ElementPaths.IsPerElement(contract.AcquiresLockTarget))
            {
                // A per-element contract ("one memory_lock per member"): every element at once, or none if it fails.
                if (invocation.TargetMethod.ReturnType.SpecialType == SpecialType.System_Boolean)
                {
                    yield return AcquireEvery(invocation, lockKey, current, isLock: true).WithFact(result, ValueSet.One);
                    yield return current.WithFact(result, ValueSet.Zero);
                    yield break;
                }

                current = AcquireEvery(invocation, lockKey, current, isLock: true);
            }
            else if (ElementEffects.IsElementKey(lockKey))
            {
                // One memory_lock per element, taken in a loop.
                if (invocation.TargetMethod.ReturnType.SpecialType == SpecialType.System_Boolean)
                {
                    yield return _elements.Acquire(invocation, lockKey, current, isLock: true).WithFact(result, ValueSet.One);
                    yield return current.WithFact(result, ValueSet.Zero);
                    yield break;
                }

                current = _elements.Acquire(invocation, lockKey, current, isLock: true);
            }
            else if (invocation.TargetMethod.ReturnType.SpecialType == SpecialType.System_Boolean)
            {
                // Try-lock: held only on the "true" result.
                yield return current.WithLock(lockKey, current.ModeOf(lockKey) == LockMode.None ? contract.AcquiresLock : current.ModeOf(lockKey)).WithFact(result, ValueSet.One);
                yield return current.WithFact(result, ValueSet.Zero);
                yield break;
            }

            else if (current.ModeOf(lockKey) != LockMode.None)
            {
                _sink.Report(FindingKind.LockRecursive, lockKey, invocation.Syntax.GetLocation(), null, "is acquired again while this path already holds it: the same thread would deadlock");
            }

            if (!ElementEffects.IsElementKey(lockKey))
            {
                current = current.WithLock(lockKey, contract.AcquiresLock);
            }

            foreach (var argument in invocation.Arguments)
            {
                // Monitor.Enter(obj, ref lockTaken): the flag says the lock is held.
                if (argument.Parameter is { RefKind: RefKind.Ref, Type.SpecialType: SpecialType.System_Boolean } && argument.Value is ILocalReferenceOperation taken)
                {
                    current = current.WithoutFact(ValueKey.Local(taken.Local)).WithFact(_body.SubjectOfLocal(taken.Local), ValueSet.One);
                }
            }

            if (ReturnsScopeType(invocation.TargetMethod.ReturnType, isLock: true))
            {
                current = current.WithScope(result, new ScopeBinding(true, lockKey));
            }
        }

        if (contract.AcquiresPm && Cursor(invocation, _body.PmKeyFor(invocation, contract.AcquiresPmTarget), state) is { } pmKey)
        {
            var result = ValueKey.Result(invocation);
            var origin = new Origin(invocation, HeldOnFailure: !contract.AcquiresPmOnSuccess && ReturnsInt(invocation.TargetMethod));
            if (ReturnsScopeType(invocation.TargetMethod.ReturnType, isLock: false))
            {
                yield return current.WithPm(pmKey, current.CountOf(pmKey) + 1, origin).WithScope(result, new ScopeBinding(false, pmKey));
                yield break;
            }

            if (contract.AcquiresPmOnSuccess)
            {
                var domain = ResultValues.Domain(invocation.TargetMethod, contract.AcquiresPmSuccess);
                var success = domain.Intersect(ResultValues.Success(contract.AcquiresPmSuccess));
                var failure = domain.Except(success);
                yield return Take(invocation, pmKey, current, origin, ElementPaths.IsPerElement(contract.AcquiresPmTarget)).WithFact(result, success);
                if (!failure.IsEmpty)
                {
                    yield return current.WithFact(result, failure);
                }

                yield break;
            }

            current = Take(invocation, pmKey, current, origin, ElementPaths.IsPerElement(contract.AcquiresPmTarget));
            if (ReturnsInt(invocation.TargetMethod))
            {
                current = current.WithFact(result, ResultValues.Unconditional(invocation.TargetMethod));
            }
        }
        else if (ReturnsInt(invocation.TargetMethod) && (contract.ReleasesPm || contract.ExcludesLock || contract.MayRunPmCallbacks)
            && invocation.Parent is not IExpressionStatementOperation && !current.Facts.ContainsKey(ValueKey.Result(invocation)))
        {
            // Any other int-returning runtime-PM call (put_sync, resume) whose result is used: followed for VPM0008.
            current = current.WithFact(ValueKey.Result(invocation), ResultValues.Unconditional(invocation.TargetMethod));
        }

        yield return current;
    }

    // A key on a local that names the current element of an enclosing foreach (the kernel's list cursor kept in a
    // variable of its own: "cur_pm = cur; pm_runtime_resume_and_get(cur_pm)") is that element's key on the variable.
    private ResourceKey? Cursor(IInvocationOperation invocation, ResourceKey? key, PathState state) =>
        key is { } k && !state.Values.IsEmpty ? _body.ForEach.OnVariable(invocation, k, state) : key;

    private PathState Take(IInvocationOperation invocation, ResourceKey key, PathState state, Origin origin, bool perElement) =>
        !ElementEffects.IsElementKey(key) ? state.WithPm(key, state.CountOf(key) + 1, origin)
        : perElement ? AcquireEvery(invocation, key, state, isLock: false)
        : _elements.Acquire(invocation, key, state, isLock: false);

    // A per-element acquire contract: one on every element of the collection. Taken again while some are held is a
    // shape the domain does not describe (unknown, silent).
    private static PathState AcquireEvery(IInvocationOperation invocation, ResourceKey key, PathState state, bool isLock) =>
        state.WithElements(key, state.ElementsOf(key) is null or { Kind: ElementHoldKind.Vacuous } ? ElementHold.All(invocation, isLock) : ElementHold.Unknown(invocation, isLock));

    // A per-element release contract: puts every element. With none held on the path it is the put without a get.
    private PathState ReleaseEvery(IInvocationOperation invocation, ResourceKey key, PathState state, bool isLock)
    {
        if (state.ElementsOf(key) is null)
        {
            if (isLock)
            {
                _sink.Report(FindingKind.LockReleaseNotHeld, key, invocation.Syntax.GetLocation(), null, "is released on every element on a path where they are not held");
            }
            else
            {
                _sink.Report(FindingKind.PmUnderflow, key, invocation.Syntax.GetLocation(), null, invocation.TargetMethod.Name);
            }

            return state;
        }

        return state.WithElements(key, null); // every element, or vacuously none of an empty collection
    }

    // A put on a foreach variable with nothing counted on it: over a collection this path holds elements of, the
    // element at the loop's position; over one that some foreach of the body takes elements of but this path took
    // none, not judged (ForEachLoops.TakenInSomeLoop); otherwise null (a put without a get).
    private PathState? ReleaseOfElement(IInvocationOperation invocation, ResourceKey key, PathState state, bool isLock)
    {
        if (_body.ForEach.ElementOf(invocation, key) is not { } element)
        {
            return null;
        }

        if (state.ElementsOf(element.Element) is not null)
        {
            return _elements.ReleaseCurrent(invocation, element.Element, element.Position, state, isLock);
        }

        return _body.ForEach.TakenInSomeLoop(element.Element, isLock) ? state : null;
    }

    private PathState ReleasePm(IInvocationOperation invocation, ResourceKey key, PathState state)
    {
        if (ElementEffects.IsElementKey(key))
        {
            return _elements.Release(invocation, key, state, isLock: false);
        }

        var count = state.CountOf(key);
        if (count > 0)
        {
            return state.WithPm(key, count - 1);
        }

        if (ReleaseOfElement(invocation, key, state, isLock: false) is { } released)
        {
            return released;
        }

        if (state.CountOf(ResourceKey.ContractCredit) > 0)
        {
            return state.WithPm(ResourceKey.ContractCredit, 0);
        }

        if (Forms.Receives(key))
        {
            // A write of an owning member in this body hands a reference back later on the path: owe it until then.
            return Forms.Owe(state, key, invocation);
        }

        _sink.Report(FindingKind.PmUnderflow, key, invocation.Syntax.GetLocation(), null, invocation.TargetMethod.Name);
        return state;
    }

    private PathState ReleaseLock(IInvocationOperation invocation, ResourceKey key, PathState state)
    {
        if (ElementEffects.IsElementKey(key))
        {
            return _elements.Release(invocation, key, state, isLock: true);
        }

        if (state.ModeOf(key) == LockMode.None && ReleaseOfElement(invocation, key, state, isLock: true) is { } released)
        {
            return released;
        }

        if (state.ModeOf(key) == LockMode.None)
        {
            _sink.Report(FindingKind.LockReleaseNotHeld, key, invocation.Syntax.GetLocation(), null, "is released on a path where it is not held");
            return state;
        }

        return state.WithLock(key, LockMode.None);
    }

    private static bool ReturnsInt(IMethodSymbol method) => method.ReturnType.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

    // A guard type: its Dispose carries the matching release attribute.
    private bool ReturnsScopeType(ITypeSymbol? type, bool isLock)
    {
        if (type is null)
        {
            return false;
        }

        foreach (var member in type.GetMembers("Dispose"))
        {
            if (member is IMethodSymbol dispose && dispose.Parameters.Length == 0)
            {
                var c = _body.Contracts.For(dispose);
                if (isLock ? c.ReleasesLock : c.ReleasesPm)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
