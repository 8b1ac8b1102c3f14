using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The conditions of a runtime-PM contract: <c>Unless = "Flag"</c> (waived while a latched flag is true: disable_idle_d3)
/// and <c>When = "Flag"</c> (applies only while a fixed property holds: a bound driver with PM ops), read as one form,
/// "!Flag" for When. The method's own condition is a fact of its paths (checked at the exits, for both values where a
/// path never tested it); a call's is the caller's fact under the receiver or argument it names, or a constant argument.
/// </summary>
internal sealed partial class ContractForms
{
    /// <summary>The method's own condition in its one form ("Flag" for Unless, "!Flag" for When), or null.</summary>
    public string? SelfUnless => Self.AcquiresPm ? Self.AcquiresPmUnless : Self.ReleasesPm ? Self.ReleasesPmUnless : null;

    /// <summary>True when the method's own PM contract is waived on this path (its condition known to waive it).</summary>
    public bool SelfContractWaived(PathState state) =>
        SelfUnless is { } unless && state.Facts.TryGetValue(SelfFlag(_body, unless), out var values)
        && (Negated(unless) ? values.IsSubsetOf(ValueSet.Zero) : !values.Contains(0));

    /// <summary>
    /// The states an exit is judged on: a path that never tested the method's own condition is judged for both values of
    /// it, since the body must keep the contract whichever the caller's object has (a body that puts without testing
    /// <c>When = "DriverHasPmOps"</c> drops a reference nobody took on the devices without PM ops).
    /// </summary>
    public IEnumerable<PathState> SplitOnSelfCondition(IEnumerable<PathState> states, bool latched = true)
    {
        if (SelfUnless is not { } unless || !latched)
        {
            foreach (var state in states)
            {
                yield return state;
            }

            yield break;
        }

        var flag = SelfFlag(_body, unless);
        foreach (var state in states)
        {
            var known = state.Facts.TryGetValue(flag, out var values) ? values : ValueSet.Bool;
            if (known.Contains(0) && known.Overlaps(ValueSet.NonZero))
            {
                yield return state.WithFact(flag, ValueSet.Zero);
                yield return state.WithFact(flag, ValueSet.One);
            }
            else
            {
                yield return state;
            }
        }
    }

    /// <summary>"!Flag" (<c>When = "Flag"</c>): the contract is waived when the latched flag is false (vfio_device_pm_runtime_get() takes a reference only when the driver has PM ops).</summary>
    private static bool Negated(string unless) => unless.StartsWith("!", System.StringComparison.Ordinal);

    /// <summary>How a message names a waiver: "when 'Flag'" or "unless 'Flag'", and how a path that is waived reads it.</summary>
    public static (string Condition, string Waived) DescribeCondition(string unless) =>
        Negated(unless) ? ("only when '" + FlagPath(unless) + "'", "although it is false") : ("unless '" + unless + "'", "although it is set");

    private static string FlagPath(string unless) => Negated(unless) ? unless.Substring(1) : unless;

    // The method's own flag: a path under one of its parameters ("vdev.DisableIdleD3", kernel-style static code) or a
    // member of the receiver.
    private static ValueKey SelfFlag(FlowBody body, string unless)
    {
        unless = FlagPath(unless);
        var head = unless.Split('.')[0];
        return ValueKey.Member(body.Method is { } m && m.Parameters.Any(p => p.Name == head) ? unless : "this." + unless);
    }

    // The flag a call's contract names at this call site: under the argument of the callee's parameter it starts with,
    // else under the receiver. A bool parameter itself is its argument: a subject of the caller's facts (a local, a
    // parameter, a member path), or a constant the call is decided by. Neither: unknown, and the contract applies.
    private static (ValueKey? Key, bool? Constant) CallFlag(FlowBody body, IInvocationOperation invocation, string unless)
    {
        unless = FlagPath(unless);
        var dot = unless.IndexOf('.');
        var head = dot < 0 ? unless : unless.Substring(0, dot);
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name != head)
            {
                continue;
            }

            if (dot < 0)
            {
                return argument.Value.ConstantValue is { HasValue: true, Value: bool constant } ? (null, constant) : (body.SubjectOf(argument.Value), null);
            }

            return (body.PathOf(argument.Value) is { } path ? ValueKey.Member(path + unless.Substring(dot)) : null, null);
        }

        return (invocation.Instance is { } receiver && body.PathOf(receiver) is { } owner ? ValueKey.Member(owner + "." + unless) : null, null);
    }

    // A latched flag must be a readonly field or a get-only property of type bool; anything else could change between
    // the acquire and the release, which is exactly the bug the kernel's 2026 latch fixed. False (and reported) when not.
    public bool ValidateLatched(ITypeSymbol type, string member, Location? where)
    {
        var unless = member;
        member = FlagPath(member);

        // A bool parameter the body never assigns: fixed for the call, the argument at the call site (the C shape,
        // "static int get(struct device *dev, bool has_pm_ops)").
        if (_body.Method?.Parameters.FirstOrDefault(p => p.Name == member) is { } flagParameter)
        {
            if (flagParameter is { RefKind: RefKind.None, Type.SpecialType: SpecialType.System_Boolean } && !Assigns(flagParameter))
            {
                return true;
            }

            type = flagParameter.ContainingType; // reported below: not a latched member
        }

        // "vdev.DisableIdleD3": a member of a parameter's type; "A.B": a member path.
        var dot = member.LastIndexOf('.');
        if (dot > 0)
        {
            var head = member.Substring(0, member.IndexOf('.'));
            var parameter = _body.Method?.Parameters.FirstOrDefault(p => p.Name == head);
            var prefix = member.Substring(0, dot);
            var owner = parameter is null ? ResolveMemberPath(type, prefix)
                : prefix == head ? parameter.Type : ResolveMemberPath(parameter.Type, prefix.Substring(head.Length + 1));
            if (owner is not null)
            {
                type = owner;
                member = member.Substring(dot + 1);
            }
        }

        for (var t = type; t is not null; t = t.BaseType)
        {
            foreach (var m in t.GetMembers(member))
            {
                if (m is IFieldSymbol { IsReadOnly: true, Type.SpecialType: SpecialType.System_Boolean }
                    or IPropertySymbol { SetMethod: null or { IsInitOnly: true }, Type.SpecialType: SpecialType.System_Boolean })
                {
                    return true;
                }
            }
        }

        if (where is not null)
        {
            _sink.Report(FindingKind.ContractMismatch, new ResourceKey("Unless:" + member), where, null,
                "apply " + DescribeCondition(unless).Condition + "|condition can change between the get and the put: 'When'/'Unless' must name a readonly bool field or get-only bool property of its type (a latched flag), or a bool parameter the method never assigns",
                pmResource: null);
        }

        return false;
    }

    /// <summary>Reports a PM contract that sets both <c>When</c> and <c>Unless</c>: one condition per attribute.</summary>
    public void ValidateSingleCondition(Location? where)
    {
        if (Self.PmConditionConflict && where is not null)
        {
            _sink.Report(FindingKind.ContractMismatch, new ResourceKey("When+Unless"), where, null,
                "apply one condition|cannot be checked: set 'When' or 'Unless', not both (write 'When = \"!Flag\"' for the other sense)", pmResource: null);
        }
    }

    // Any write of the parameter in the body: an assignment, ++/--, or a ref/out argument. Read on the body's operation
    // tree, not the graph, which captures an assignment's target when its value branches ("p = p && q").
    private bool Assigns(IParameterSymbol parameter)
    {
        foreach (var op in ResourceKeys.Walk(_body.Cfg.OriginalOperation))
        {
            var target = op switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation step => step.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (target is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The states after a call whose contract is waived by a latched flag or releases only on success, each with the contract that applies on it.</summary>
    public IEnumerable<(PathState State, MethodContract Contract)> ForkContract(IInvocationOperation invocation, MethodContract contract, PathState state)
    {
        var unless = contract.AcquiresPm ? contract.AcquiresPmUnless : contract.ReleasesPm ? contract.ReleasesPmUnless : null;
        var (flagKey, constant) = unless is null ? (null, null) : CallFlag(_body, invocation, unless);
        if (constant is { } value)
        {
            // A constant argument decides the call: waived or applying on every path.
            if (value != Negated(unless!))
            {
                yield return (state, contract with { AcquiresPm = false, ReleasesPm = false });
                yield break;
            }
        }
        else if (unless is not null && flagKey is { } flag)
        {
            // "!flag": waived when the flag is false.
            var (waivedWhen, appliesWhen) = Negated(unless) ? (ValueSet.Zero, ValueSet.One) : (ValueSet.One, ValueSet.Zero);
            var known = state.Facts.TryGetValue(flag, out var s) ? s : ValueSet.Bool;
            if (known.Overlaps(waivedWhen.Equals(ValueSet.One) ? ValueSet.NonZero : ValueSet.Zero))
            {
                yield return (state.WithFact(flag, waivedWhen), contract with { AcquiresPm = false, ReleasesPm = false });
            }

            if (!known.Overlaps(appliesWhen.Equals(ValueSet.One) ? ValueSet.NonZero : ValueSet.Zero))
            {
                yield break;
            }

            state = state.WithFact(flag, appliesWhen);
        }

        if (contract.ReleasesPm && (contract.ReleasesPmOnSuccess || contract.ReleasesPmOnFailure))
        {
            // OnSuccess: the success results release; OnFailure: the failure results do, the success results keep it.
            var domain = ResultValues.Domain(invocation.TargetMethod, contract.ReleasesPmSuccess);
            var success = domain.Intersect(ResultValues.Success(contract.ReleasesPmSuccess));
            var failure = domain.Except(success);
            var (releases, keeps) = contract.ReleasesPmOnFailure ? (failure, success) : (success, failure);
            if (!releases.IsEmpty || contract.ReleasesPmOnSuccess)
            {
                yield return (state.WithFact(ValueKey.Result(invocation), releases), contract);
            }

            if (!keeps.IsEmpty)
            {
                yield return (state.WithFact(ValueKey.Result(invocation), keeps), contract with { ReleasesPm = false });
            }

            yield break;
        }

        yield return (state, contract);
    }
}
