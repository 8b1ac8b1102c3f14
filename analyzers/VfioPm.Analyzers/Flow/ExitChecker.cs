using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The checks where a path leaves the method: every reference and lock taken in the body is released unless the
/// method's contract says it is handed to the caller, the caller's reference of a [Releases*] method is put, and a
/// conditional acquire holds its reference exactly on the paths that return success.
/// </summary>
internal sealed class ExitChecker
{
    private readonly FlowBody _body;
    private readonly FindingSink _sink;
    private readonly ValueSubjects _subjects;
    private readonly ContractForms _forms;

    // The method's own condition names something that can change (a writable global, the 6.1 disable_idle_d3): reported
    // once on the declaration; its exits are judged only for what is wrong whichever value the condition has (a failing
    // exit still holding the reference an OnSuccess acquire took), never by a value the path cannot know.
    private readonly bool _conditionUnlatched;

    public ExitChecker(FlowBody body, FindingSink sink, ValueSubjects subjects)
    {
        _body = body;
        _sink = sink;
        _subjects = subjects;
        _forms = new ContractForms(body, sink, subjects);
        if (_forms.SelfUnless is { } unless && body.Method is { } method)
        {
            _conditionUnlatched = !_forms.ValidateLatched(method.ContainingType, unless, method.Locations.FirstOrDefault());
        }

        _forms.ValidateSingleCondition(body.Method?.Locations.FirstOrDefault());
    }

    private MethodContract Self => _body.Self;

    public void Check(IReadOnlyCollection<PathState> states, BasicBlock source, ControlFlowBranch branch, IOperation? returned)
    {
        var exit = new ExitSite(this, source, branch);
        _exitStates = states;
        foreach (var state in _forms.SplitOnSelfCondition(states, latched: !_conditionUnlatched))
        {
            if (!Self.PmConditionConflict)
            {
                // Two conditions on one attribute: malformed (reported once on the declaration), the body not judged.
                CheckPmAtExit(state, exit, returned);
                CheckOnSuccessReturn(state, exit, returned);
            }

            _forms.CheckOwnershipAtExit(state);
            CheckLocksAtExit(state, exit, returned);
            CheckElementsAtExit(state, exit, returned);
            if (returned is not null)
            {
                CheckReturnedResult(state, returned);
            }
        }
    }

    // Reaching definitions for VPM0008: the value returned on this path is, unchanged, what a runtime-PM call returned
    // (followed through locals and captures, killed by any other assignment), and it may be an error here.
    private void CheckReturnedResult(PathState state, IOperation returned)
    {
        if (ValueSubjects.ValueOf(returned, state) is not { Site: IInvocationOperation call } value
            || !state.Facts.TryGetValue(value, out var known) || !known.Overlaps(ValueSet.Negative))
        {
            return;
        }

        var contract = _body.Contracts.For(call.TargetMethod);
        if (call.TargetMethod.ReturnType.SpecialType == SpecialType.System_Int32 && (contract.AcquiresPm || contract.ReleasesPm || contract.ExcludesLock
            || (contract.MayRunPmCallbacks && call.TargetMethod.ContainingType.GetMembers("Power").Length == 0)))
        {
            _sink.Report(FindingKind.RawPmResultReturned, new ResourceKey(call.TargetMethod.Name + "()"), ArmReturning(returned, value, state).Syntax.GetLocation(), call.Syntax.GetLocation(), call.TargetMethod.Name + "()");
        }
    }

    // "return err != 0 ? err : ret": the arm that carries the result, not the whole expression (a fix masks that arm
    // only, leaving the other path alone).
    private IOperation ArmReturning(IOperation returned, ValueKey value, PathState state)
    {
        var unwrapped = returned;
        while (unwrapped is IConversionOperation { IsImplicit: true } conversion)
        {
            unwrapped = conversion.Operand;
        }

        if (unwrapped is IFlowCaptureReferenceOperation reference && _body.CaptureDefinitions.TryGetValue(reference.Id, out var definitions))
        {
            foreach (var definition in definitions)
            {
                if (ValueSubjects.ValueOf(definition.Value, state) is { } armValue && armValue.Equals(value))
                {
                    return ArmReturning(definition.Value, value, state);
                }
            }
        }

        return returned;
    }

    private void CheckPmAtExit(PathState state, ExitSite exit, IOperation? returned)
    {
        // Release on success: a failing exit keeps the caller's reference; a latched flag that is set waives the release.
        var releaseSucceeds = _forms.ReleaseExitSucceeds(state, returned);
        var waived = _forms.SelfContractWaived(state);
        var credit = _body.SelfPmKey ?? ResourceKey.ContractCredit;
        if (SelfPmPerElement)
        {
            // A per-element contract is judged on the element hold (CheckElementsAtExit); anything else held leaks.
            foreach (var kv in state.Pm.Where(kv => kv.Key != ResourceKey.ContractCredit && kv.Value > 0))
            {
                state.Origins.TryGetValue(kv.Key, out var leaked);
                _sink.Report(FindingKind.PmLeak, kv.Key, exit.Location, leaked?.Site.Syntax.GetLocation(), exit.Detail, IsGetSyncFailure(state, leaked));
            }

            return;
        }

        // Which exits keep the caller's reference: OnSuccess keeps it on failure, OnFailure on success.
        var keepingExit = Self.ReleasesPmOnFailure ? releaseSucceeds == true : releaseSucceeds == false;

        if (Self.ReleasesPm && !_body.TrustPmBody && (keepingExit || waived) && state.CountOf(credit) <= 0)
        {
            _sink.Report(FindingKind.ContractMismatch, credit, exit.Location, null, (waived ? "release a runtime-PM reference " + ContractForms.DescribeCondition(Self.ReleasesPmUnless!).Condition + "|releases one " + ContractForms.DescribeCondition(Self.ReleasesPmUnless!).Waived + ", on the path that "
                : Self.ReleasesPmOnFailure ? "release a runtime-PM reference only on failure|releases it on the succeeding path that "
                : "release a runtime-PM reference only on success|releases it on the failing path that ") + exit.Detail, pmResource: true);
        }

        if (state.Pm.IsEmpty && !Self.AcquiresPm)
        {
            return; // nothing held and nothing promised: the common exit
        }

        var keepsCredit = keepingExit || waived;
        if (state.CountOf(ResourceKey.ContractCredit) > 0 && !keepsCredit && !_conditionUnlatched)
        {
            _sink.Report(FindingKind.ContractMismatch, ResourceKey.ContractCredit, exit.Location, null, "release a runtime-PM reference|does not put one on the path that " + exit.Detail, pmResource: true);
        }

        var held = state.Pm.Where(kv => kv.Key != ResourceKey.ContractCredit && kv.Value > 0).ToList();
        if (keepsCredit && Self.ReleasesPm && _body.SelfPmKey is { } kept)
        {
            held = held.Where(kv => kv.Key != kept).ToList(); // still the caller's reference
        }

        if (Self.AcquiresPm && !waived)
        {
            var expectedKey = _body.SelfPmKey;
            var matching = held.Where(kv => expectedKey is not { } e || kv.Key == e).ToList();
            var satisfied = matching.Count == 1 && matching[0].Value == 1;
            if (!satisfied && !Self.AcquiresPmOnSuccess && !_conditionUnlatched)
            {
                _sink.Report(FindingKind.ContractMismatch, expectedKey ?? new ResourceKey("this"), exit.Location, null, "return holding a runtime-PM reference|does not hold one on the path that " + exit.Detail, pmResource: true);
            }

            if (satisfied || (matching.Count == 0 && Self.AcquiresPmOnSuccess))
            {
                held = held.Where(kv => !matching.Contains(kv)).ToList();
            }
        }

        if (Self.ReleasesPm && _body.SelfPmKey is { } selfKey && state.CountOf(selfKey) > 0 && !keepsCredit && !_conditionUnlatched)
        {
            _sink.Report(FindingKind.ContractMismatch, selfKey, exit.Location, null, "release the runtime-PM reference on '" + selfKey.Display + "'|still holds it on the path that " + exit.Detail, pmResource: true);
            held = held.Where(kv => kv.Key != selfKey).ToList();
        }

        foreach (var kv in held)
        {
            state.Origins.TryGetValue(kv.Key, out var origin);
            var getSyncFailure = IsGetSyncFailure(state, origin);
            if (!getSyncFailure && origin?.Site is IInvocationOperation get && !_forms.PutsAnywhere(kv.Key)
                && ContractForms.RecordingOwnerOf(get, _body.Method?.ContainingType) is { } owner)
            {
                // Kept past the method (nothing in it puts that device) by an object that keeps its references on it in
                // state: the fix is at the get (record it, or do not take it), so that is where the leak is reported. A
                // leak on some paths of a method that puts it on others stays an error-path leak, at its exit.
                _sink.Report(FindingKind.PmLeak, kv.Key, get.Syntax.GetLocation(), exit.Location,
                    exit.Detail + ", nor handed to '" + owner + "', where the object keeps its references on it");
                continue;
            }

            if (!getSyncFailure && origin is { Site: IInvocationOperation, Via: GotoStatementSyntax { Expression: IdentifierNameSyntax label } via }
                && _exitStates.Any(s => s.CountOf(kv.Key) <= 0))
            {
                // The exit is shared by paths that put it: the leaking path is the one that entered the unwind chain by
                // this goto (the kernel's "goto out_disable_pm" that skips the put), so that is where it is reported.
                // A reference an owning member's write handed back (not a get) stays at the exit, where the state
                // ownership forms report what a write leaves the path to put.
                _sink.Report(FindingKind.PmLeak, kv.Key, via.GetLocation(), origin.Site.Syntax.GetLocation(),
                    "goes to '" + label.Identifier.ValueText + "' here and " + exit.Detail, getSyncFailure);
                continue;
            }

            _sink.Report(FindingKind.PmLeak, kv.Key, exit.Location, origin?.Site.Syntax.GetLocation(), exit.Detail, getSyncFailure);
        }
    }

    // Every state leaving by the exit being checked: a leak some of them do not have is a leak of the path, not the exit.
    private IReadOnlyCollection<PathState> _exitStates = System.Array.Empty<PathState>();

    // [AcquiresPmReference(OnSuccess = true)]: what the method returns must say whether it holds the reference.
    private void CheckOnSuccessReturn(PathState state, ExitSite exit, IOperation? returned)
    {
        if (!Self.AcquiresPm || !Self.AcquiresPmOnSuccess || _body.TrustPmBody || SelfPmPerElement || returned is null || _forms.SelfContractWaived(state) || _subjects.ValuesOf(returned, state) is not { } values)
        {
            return;
        }

        var held = _body.SelfPmKey is { } selfKey ? state.CountOf(selfKey) > 0 : state.Pm.Any(kv => kv.Key != ResourceKey.ContractCredit && kv.Value > 0);
        var success = ResultValues.Success(Self.AcquiresPmSuccess);
        var reportKey = _body.SelfPmKey ?? new ResourceKey("this");
        if (held && !values.Overlaps(success) && GetSyncFailureHolding(state) is { } getSync)
        {
            // The reference still held on this failure exit is get_sync's own, on its failure path: that is VPM0003's
            // verdict at the get_sync, not a contract mismatch at the return.
            _sink.Report(FindingKind.PmLeak, getSync.Key, exit.Location, getSync.Origin.Site.Syntax.GetLocation(), exit.Detail, getSyncFailure: true);
        }
        else if (held && !values.Overlaps(success))
        {
            _sink.Report(FindingKind.ContractMismatch, reportKey, exit.Location, null, "hold a runtime-PM reference exactly when it returns success|returns failure while holding one on the path that " + exit.Detail, pmResource: true);
        }
        else if (!held && values.IsSubsetOf(success) && !_conditionUnlatched)
        {
            _sink.Report(FindingKind.ContractMismatch, reportKey, exit.Location, null, "hold a runtime-PM reference exactly when it returns success|returns success without holding one on the path that " + exit.Detail, pmResource: true);
        }
    }

    // A held reference taken by an acquire that keeps it on failure (get_sync) whose result is known to be a failure here.
    private (ResourceKey Key, Origin Origin)? GetSyncFailureHolding(PathState state)
    {
        foreach (var kv in state.Pm)
        {
            if (kv.Value > 0 && state.Origins.TryGetValue(kv.Key, out var origin) && IsGetSyncFailure(state, origin))
            {
                return (kv.Key, origin);
            }
        }

        return null;
    }

    private static bool IsGetSyncFailure(PathState state, Origin? origin) =>
        origin is { HeldOnFailure: true } && state.Facts.TryGetValue(ValueKey.Result(origin.Site), out var result) && !result.IsEmpty && result.IsSubsetOf(ValueSet.Negative);

    private bool SelfPmPerElement => _body.SelfPmKey is { } key && ElementEffects.IsElementKey(key);

    // Per-element holds where the path leaves, reported like a single leak naming the loop's acquire: a partial hold (a
    // loop that took one per element and was not fully unwound, or unwinds one short) and every element held by a loop
    // of this body — a get-all helper keeps them for its caller only if its contract says so, as for one reference.
    // Every element held is judged against a per-element contract: the method's own ("acquires one on every element":
    // held on its success exits, none on its failing ones; "releases ...": none at any exit), or the call's that took
    // them (they must be put before the path leaves).
    private void CheckElementsAtExit(PathState state, ExitSite exit, IOperation? returned)
    {
        foreach (var kv in state.Elements)
        {
            var hold = kv.Value;
            var index = hold.Index is { } i && state.Facts.TryGetValue(i, out var known) ? known : null;
            var self = hold.IsLock ? _body.SelfLockKey : _body.SelfPmKey;
            if (hold.Kind == ElementHoldKind.All && kv.Key == self)
            {
                CheckSelfElements(kv.Key, hold, exit, returned, state);
                continue;
            }

            if (hold.Kind == ElementHoldKind.All && hold.Site is IInvocationOperation call && PerElementContract(call, hold.IsLock))
            {
                _sink.Report(hold.IsLock ? FindingKind.LockLeak : FindingKind.PmLeak, kv.Key, exit.Location, call.Syntax.GetLocation(),
                    (hold.IsLock ? "is still held on the path that " : string.Empty) + exit.Detail + " (one per element, taken by the call at line " + (call.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1) + ")");
                continue;
            }

            if (!hold.MayHoldAny(index))
            {
                continue;
            }

            var loop = " (one per element, taken in the loop at line " + (hold.Site.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1) + ")";
            _sink.Report(hold.IsLock ? FindingKind.LockLeak : FindingKind.PmLeak, kv.Key, exit.Location, hold.Site.Syntax.GetLocation(),
                (hold.IsLock ? "is still held on the path that " : string.Empty) + exit.Detail + loop);
        }

        // "Acquires one on every element" with none held at an exit: the collection may be empty (the taking loop never
        // ran), so that is not judged; a failing exit holding all of them is.
    }

    private void CheckSelfElements(ResourceKey key, ElementHold hold, ExitSite exit, IOperation? returned, PathState state)
    {
        var what = hold.IsLock ? "'" + key.Display + "'" : "a runtime-PM reference on every element of '" + key.Display + "'";
        if (hold.IsLock ? Self.ReleasesLock : Self.ReleasesPm)
        {
            _sink.Report(FindingKind.ContractMismatch, key, exit.Location, null, pmResource: !hold.IsLock,
                detail: "release " + what + "|still holds every element on the path that " + exit.Detail);
        }
        else if (!hold.IsLock && Self.AcquiresPm && Self.AcquiresPmOnSuccess && returned is not null
            && _subjects.ValuesOf(returned, state) is { } values && !values.Overlaps(ResultValues.Success(Self.AcquiresPmSuccess)))
        {
            _sink.Report(FindingKind.ContractMismatch, key, exit.Location, null, pmResource: true,
                detail: "hold " + what + " exactly when it returns success|returns failure while holding every element on the path that " + exit.Detail);
        }
        else if (hold.IsLock && Self.AcquiresLock != LockMode.None && returned is not null && returned.Type?.SpecialType == SpecialType.System_Boolean
            && _subjects.ValuesOf(returned, state) is { } taken && taken.IsSubsetOf(ValueSet.Zero))
        {
            _sink.Report(FindingKind.ContractMismatch, key, exit.Location, null, pmResource: false,
                detail: "hold " + what + " exactly when it returns true|returns false while holding every element on the path that " + exit.Detail);
        }
    }

    private bool PerElementContract(IInvocationOperation call, bool isLock)
    {
        var contract = _body.Contracts.For(call.TargetMethod);
        return ElementPaths.IsPerElement(isLock ? contract.AcquiresLockTarget : contract.AcquiresPmTarget);
    }

    private void CheckLocksAtExit(PathState state, ExitSite exit, IOperation? returned)
    {
        var selfLock = _body.SelfLockKey is { } k && ElementEffects.IsElementKey(k) ? null : _body.SelfLockKey;

        // A bool-returning acquire is a try-lock (Clang's TRY_ACQUIRE(true), as call sites read it): held exactly on the
        // exits that return true. Null when this exit's result is not known to be one or the other.
        bool? tryTaken = null;
        if (Self.AcquiresLock != LockMode.None && _body.Method?.ReturnType.SpecialType == SpecialType.System_Boolean
            && returned is not null && _subjects.ValuesOf(returned, state) is { } result)
        {
            tryTaken = result.IsSubsetOf(ValueSet.Zero) ? false : !result.Contains(0) ? true : null;
        }

        foreach (var kv in state.Locks)
        {
            var expected = kv.Key == selfLock && (Self.AcquiresLock != LockMode.None || (Self.RequiresLock != LockMode.None && !Self.ReleasesLock));
            if (!expected)
            {
                _sink.Report(FindingKind.LockLeak, kv.Key, exit.Location, null, "is still held on the path that " + exit.Detail, heldMode: kv.Value);
            }
            else if (tryTaken == false)
            {
                _sink.Report(FindingKind.ContractMismatch, kv.Key, exit.Location, null, pmResource: false,
                    detail: "hold '" + kv.Key.Display + "' exactly when it returns true|returns false while holding it on the path that " + exit.Detail);
            }
            else if (Self.AcquiresLock != LockMode.None && kv.Value != Self.AcquiresLock)
            {
                // The caller releases in the declared mode: an up_read of a write hold (or the reverse) is a broken semaphore.
                _sink.Report(FindingKind.ContractMismatch, kv.Key, exit.Location, null, pmResource: false,
                    detail: "return holding '" + kv.Key.Display + "' " + ModeWords(Self.AcquiresLock) + "|holds it " + ModeWords(kv.Value) + " on the path that " + exit.Detail);
            }
        }

        if (selfLock is { } lockKey && state.ModeOf(lockKey) == LockMode.None)
        {
            if (Self.AcquiresLock != LockMode.None && tryTaken != false)
            {
                _sink.Report(FindingKind.ContractMismatch, lockKey, exit.Location, null, pmResource: false, detail: "return holding '" + lockKey.Display + "'|does not hold it on the path that " + exit.Detail);
            }
            else if (Self.RequiresLock != LockMode.None && !Self.ReleasesLock)
            {
                _sink.Report(FindingKind.ContractMismatch, lockKey, exit.Location, null, pmResource: false, detail: "keep '" + lockKey.Display + "' held|releases it on the path that " + exit.Detail);
            }
        }
    }

    private static string ModeWords(LockMode mode) => mode == LockMode.Exclusive ? "for write" : "for read";

    private Location ExitLocation(BasicBlock source, ControlFlowBranch branch)
    {
        if (branch.Semantics is ControlFlowBranchSemantics.Return && source.BranchValue is { } value)
        {
            return (value.Syntax.FirstAncestorOrSelf<ReturnStatementSyntax>() ?? value.Syntax).GetLocation();
        }

        if (branch.Semantics is ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow && source.BranchValue is { } thrown)
        {
            return (thrown.Syntax.FirstAncestorOrSelf<ThrowStatementSyntax>() as SyntaxNode
                ?? thrown.Syntax.FirstAncestorOrSelf<ThrowExpressionSyntax>() ?? thrown.Syntax).GetLocation();
        }

        if (source.Operations.LastOrDefault() is { } last && last.Syntax.FirstAncestorOrSelf<ReturnStatementSyntax>() is { } ret)
        {
            return ret.GetLocation();
        }

        // "if (c) return;" in a void method: the graph keeps no syntax for the return; find it under the if.
        if (source.BranchValue?.Syntax.FirstAncestorOrSelf<IfStatementSyntax>() is { } ifStatement
            && ifStatement.Statement.DescendantNodesAndSelf().OfType<ReturnStatementSyntax>().FirstOrDefault() is { } voidReturn)
        {
            return voidReturn.GetLocation();
        }

        return EndOfBody();
    }

    private Location EndOfBody()
    {
        var root = _body.Cfg.OriginalOperation.Syntax;
        var close = root.DescendantTokens().LastOrDefault(t => t.IsKind(SyntaxKind.CloseBraceToken));
        return close == default ? root.GetLocation() : close.GetLocation();
    }

    private string ExitDetail(BasicBlock source, ControlFlowBranch branch)
    {
        var location = ExitLocation(source, branch);
        var line = location.GetLineSpan().StartLinePosition.Line + 1;
        return branch.Semantics switch
        {
            ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow => $"throws at line {line}",
            _ when location.SourceSpan.Length == 1 => "reaches the end of the method",
            _ => $"returns at line {line}",
        };
    }

    // Where a path leaves the method and how a message says so. Both are only worked out when something is reported:
    // finding the return statement and its line for every exit of every body cost more than the checks themselves.
    private sealed class ExitSite
    {
        private readonly ExitChecker _checker;
        private readonly BasicBlock _source;
        private readonly ControlFlowBranch _branch;
        private Location? _location;
        private string? _detail;

        public ExitSite(ExitChecker checker, BasicBlock source, ControlFlowBranch branch)
        {
            _checker = checker;
            _source = source;
            _branch = branch;
        }

        public Location Location => _location ??= _checker.ExitLocation(_source, _branch);

        public string Detail => _detail ??= _checker.ExitDetail(_source, _branch);
    }
}
