using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The contract forms of the kernel's ownership patterns: contracts waived by a latched flag (disable_idle_d3), release
/// on success (vfio_pci_runtime_pm_entry), and references owned by object state ([OwnsPmReference]/[ForgoesPmReference]),
/// of <c>this</c> or of any object a path names (a parameter, a local, a foreach variable). Counted owners are in
/// ContractForms.Counted.cs, integer owners stepped by ++/-- in ContractForms.Stepped.cs, where a kept reference belongs in
/// ContractForms.Recorded.cs.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>a latched flag is a stable fact keyed by its member path ("this.DisableIdleD3"), the same key the branch
/// refinement of <c>if (DisableIdleD3)</c> uses, so the body's own tests and the contract agree on every path; at an
/// exit, a path that never tested it is judged for both values (<see cref="SplitOnSelfCondition"/>); at a call site a
/// constant argument decides it;</item>
/// <item>a write of an owning member is a transfer between the path and the object: the path receives one reference
/// (count + 1) or hands one over (count - 1). A hand-over the path cannot pay leaves the count negative; the write is
/// remembered under an "owed" key so the exit check reports it there (VPM0002). A write of the value the path already
/// knows the member to have is no transfer.</item>
/// </list>
/// </remarks>
internal sealed partial class ContractForms
{
    private readonly FlowBody _body;
    private readonly FindingSink _sink;

    private readonly ValueSubjects? _subjects;

    public ContractForms(FlowBody body, FindingSink sink, ValueSubjects? subjects = null)
    {
        _body = body;
        _sink = sink;
        _subjects = subjects;
    }

    /// <summary>
    /// The facts a body starts with: its own latched flag and the owning members it reads are bools worth refining even
    /// when tested once (their facts are read by the exit checks and the state writes, not only by later tests).
    /// </summary>
    public static PathState SeedFacts(FlowBody body, PathState state)
    {
        foreach (var (subject, initial) in Subjects(body))
        {
            state = state.WithFact(subject, initial);
        }

        return state;
    }

    /// <summary>The subjects whose facts the contract forms read: never dropped as dead by the engine's liveness.</summary>
    public static HashSet<ValueKey> PinnedSubjects(FlowBody body)
    {
        var pinned = new HashSet<ValueKey>();
        foreach (var (subject, _) in Subjects(body))
        {
            pinned.Add(subject);
        }

        foreach (var block in body.Cfg.Blocks)
        {
            foreach (var op in block.Operations.SelectMany(ResourceKeys.Walk))
            {
                // A call whose contract is waived by a latched flag of its receiver.
                if (op is IInvocationOperation invocation && body.Contracts.For(invocation.TargetMethod) is var c
                    && (c.AcquiresPm ? c.AcquiresPmUnless : c.ReleasesPm ? c.ReleasesPmUnless : null) is { } unless && CallFlag(body, invocation, unless).Key is { } flag)
                {
                    pinned.Add(flag);
                }
            }
        }

        return pinned;
    }

    // The method's own latched flag, and every owning member the body reads or writes with its Unless flag.
    private static IEnumerable<(ValueKey Subject, ValueSet Initial)> Subjects(FlowBody body)
    {
        var self = body.Self;
        var unless = self.AcquiresPm ? self.AcquiresPmUnless : self.ReleasesPm ? self.ReleasesPmUnless : null;
        if (unless is not null)
        {
            yield return (SelfFlag(body, unless), ValueSet.Bool);
        }

        foreach (var block in body.Cfg.Blocks)
        {
            foreach (var op in block.Operations.Concat(block.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { block.BranchValue }).SelectMany(ResourceKeys.Walk))
            {
                if (op is not IFieldReferenceOperation f || ContractReader.OwnershipOf(f.Field) is not { } ownership || body.PathOf(f) is not { } path)
                {
                    continue;
                }

                if (f.Field.Type.SpecialType == SpecialType.System_Boolean)
                {
                    yield return (ValueKey.Member(path), ValueSet.Bool);
                }
                else if (f.Field.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64)
                {
                    yield return (ValueKey.Member(path), ValueSet.All);
                }

                if (ownership.Unless is { } memberUnless && f.Instance is { } instance && body.PathOf(instance) is { } owner)
                {
                    yield return (ValueKey.Member(owner + "." + memberUnless), ValueSet.Bool);
                }

                // A nullable owned device's nullness decides whether a write moves a reference (ForkOnOwnedDevice).
                if (f.Instance is { } of && body.PathOf(of) is { } ofPath && OwnedDeviceIsNullable(f.Field.ContainingType, ownership.Device))
                {
                    yield return (ValueKey.Member(ofPath + "." + ownership.Device), ValueSet.All);
                }
            }
        }
    }

    private MethodContract Self => _body.Self;

    // ---- release on success: the method's own exits -------------------------------------------------------------

    /// <summary>For a [ReleasesPmReference(OnSuccess/OnFailure = true)] body: true/false when this exit returns success/failure, null when unknown or not such a contract.</summary>
    public bool? ReleaseExitSucceeds(PathState state, IOperation? returned)
    {
        if (!Self.ReleasesPm || !(Self.ReleasesPmOnSuccess || Self.ReleasesPmOnFailure) || returned is null || _subjects?.ValuesOf(returned, state) is not { } values)
        {
            return null;
        }

        var success = ResultValues.Success(Self.ReleasesPmSuccess);
        return values.IsSubsetOf(success) ? true : !values.Overlaps(success) ? false : null;
    }

    // ---- ownership held by object state --------------------------------------------------------------------------

    /// <summary>A remembered hand-over the path could not pay: keyed by the device, valued by the write's result key.</summary>
    private static ValueKey Owed(ResourceKey device) => ValueKey.Member("<owed>" + device.Path);

    /// <summary>The member written by <paramref name="op"/> and the value written, when it is a write of an owning member.</summary>
    public static (IOperation Target, IOperation Value)? OwnershipWriteOf(IOperation op)
    {
        switch (op)
        {
            case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment
                when ContractReader.OwnershipOf(MemberOf(assignment.Target)!) is { Counted: false }:
                return (assignment.Target, assignment.Value);
            case IInvocationOperation { TargetMethod: { Name: "Write" or "Exchange", ContainingType: { Name: "Volatile" or "Interlocked", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } } } call
                when call.Arguments.Length == 2 && call.Arguments[0].Value is IFieldReferenceOperation field && ContractReader.OwnershipOf(field.Field) is { Counted: false }:
                return (field, call.Arguments[1].Value);
            default:
                return null;
        }
    }

    private static bool MemberIsBool(ISymbol member) =>
        (member is IFieldSymbol { Type.SpecialType: SpecialType.System_Boolean }) || (member is IPropertySymbol { Type.SpecialType: SpecialType.System_Boolean });

    private static ISymbol? MemberOf(IOperation op) => op switch
    {
        IFieldReferenceOperation f => f.Field,
        IPropertyReferenceOperation p => p.Property,
        _ => null,
    };

    /// <summary>True (set), false (cleared) or null (unknown) for a value written to an owning member.</summary>
    private static bool? SetsMember(IOperation value)
    {
        while (value is IConversionOperation c)
        {
            value = c.Operand;
        }

        if (value.ConstantValue.HasValue)
        {
            return value.ConstantValue.Value switch
            {
                null => false,
                bool b => b,
                int i => i != 0,
                long l => l != 0,
                uint u => u != 0,
                _ => null,
            };
        }

        // A reference written from anything but a null constant: a bound driver, a link's supplier.
        return value.Type is { IsReferenceType: true } ? true : null;
    }

    /// <summary>Applies a write of an owning member: the transfer between the path and the object, on every state.</summary>
    public IReadOnlyCollection<PathState> ApplyOwnershipWrite(IOperation target, IOperation value, IOperation site, IReadOnlyCollection<PathState> states)
    {
        var member = MemberOf(target)!;
        var ownership = ContractReader.OwnershipOf(member)!;
        var instance = target is IFieldReferenceOperation f ? f.Instance : ((IPropertyReferenceOperation)target).Instance;
        var owner = instance is null ? null : _body.PathOf(instance);
        var memberPath = _body.PathOf(target);
        ValueKey? memberKey = memberPath is null ? null : ValueKey.Member(memberPath);
        var sets = SetsMember(value);
        if (owner is null || memberKey is not { } member_ || sets is not { } set)
        {
            // Untracked owner or value: forget what was known about the member, transfer nothing.
            return memberKey is not { } forget ? states : OperationVisitor.Map(states, s => s.Facts.ContainsKey(forget) ? s.WithoutFact(forget) : s);
        }

        var device = PmKeyOfMemberPath(member.ContainingType, owner, ownership.Device);
        if (ElementEffects.IsElementKey(device))
        {
            return OperationVisitor.Map(states, s => ForgetElementOwnership(s.Facts.ContainsKey(member_) ? s.WithoutFact(member_) : s, device, site));
        }

        var after = set ? (MemberIsBool(member) ? ValueSet.One : ValueSet.NonZero) : ValueSet.Zero;
        var result = new HashSet<PathState>();
        foreach (var (state, absent) in states.SelectMany(s => ForkOnOwnedDevice(member.ContainingType, owner, ownership.Device, s)))
        {
            if (absent)
            {
                // No device: the write records the member's value and moves nothing.
                result.Add(state.WithFact(member_, after));
                continue;
            }

            var before = state.Facts.TryGetValue(member_, out var k) ? k : ValueSet.All;
            var already = set ? !before.Contains(0) : before.IsSubsetOf(ValueSet.Zero);
            result.UnionWith(Transfer(state, ownership, owner, instance, member_, device, site, set, already, after));
        }

        return result;
    }

    // One state's transfer for a write that sets or clears an owning member, forked on its Unless flag.
    private IEnumerable<PathState> Transfer(PathState state, StateOwnership ownership, string owner, IOperation? instance, ValueKey member, ResourceKey device,
        IOperation site, bool set, bool already, ValueSet after)
    {
        var forks = new List<(PathState, bool)>();
        if (ownership.Unless is { } unless)
        {
            var flag = ValueKey.Member(owner + "." + unless);
            var known = state.Facts.TryGetValue(flag, out var s) ? s : ValueSet.Bool;
            if (known.Overlaps(ValueSet.NonZero))
            {
                forks.Add((state.WithFact(flag, ValueSet.One), true));
            }

            if (known.Contains(0))
            {
                forks.Add((state.WithFact(flag, ValueSet.Zero), false));
            }
        }
        else
        {
            forks.Add((state, false));
        }

        foreach (var (fork, waived) in forks)
        {
            var next = fork.WithFact(member, after);
            var receives = ownership.Forgoes == set;
            if (!waived && !already && !(Initializes(instance) && (receives || next.CountOf(device) <= 0)))
            {
                var count = next.CountOf(device);
                next = receives
                    ? next.WithPm(device, count + 1, new Origin(site, HeldOnFailure: false))
                    : next.WithPm(device, count - 1).WithValue(Owed(device), count - 1 < 0 ? ValueKey.Result(site) : null);
            }

            yield return next;
        }
    }

    /// <summary>
    /// An owner of a reference on no device owns nothing: when the owned device is a member annotated nullable
    /// (<c>dev->parent</c>), the state splits on its nullness, and on the side where it is null the write moves no
    /// reference (<c>pm_runtime_irq_safe()</c> takes the parent's reference only <c>if (dev->parent)</c>, and
    /// <c>pm_runtime_reinit()</c> puts it back only then). A member not annotated nullable is taken as present.
    /// </summary>
    private static IEnumerable<(PathState State, bool Absent)> ForkOnOwnedDevice(INamedTypeSymbol type, string owner, string device, PathState state)
    {
        var key = ValueKey.Member(owner + "." + device);
        var known = state.Facts.TryGetValue(key, out var k) ? k : OwnedDeviceIsNullable(type, device) ? ValueSet.All : ValueSet.NonZero;
        if (known.Contains(0))
        {
            yield return (known.IsSubsetOf(ValueSet.Zero) ? state : state.WithFact(key, ValueSet.Zero), true);
        }

        if (known.Overlaps(ValueSet.NonZero))
        {
            yield return (known.Contains(0) ? state.WithFact(key, ValueSet.NonZero) : state, false);
        }
    }

    private static bool OwnedDeviceIsNullable(INamedTypeSymbol type, string device) =>
        type.GetMembers(device).FirstOrDefault() is IFieldSymbol { NullableAnnotation: NullableAnnotation.Annotated }
            or IPropertySymbol { NullableAnnotation: NullableAnnotation.Annotated };

    /// <summary>
    /// A write of the object's own owning member in its constructor: the state the object starts in, not a transition
    /// (<c>pm_runtime_init()</c> setting <c>runtime_auto</c>), so it moves nothing — except a reference the path holds,
    /// which it hands to the new object (a constructor that takes the reference its object records).
    /// </summary>
    private bool Initializes(IOperation? instance) =>
        _body.Method is { MethodKind: MethodKind.Constructor } && instance is IInstanceReferenceOperation;

    /// <summary>
    /// An owner reached through an element of a collection by index ("dev.Suppliers[i].SupplierPreactivated"): which
    /// element's reference moves is not something the per-element holds describe, so the hold on that key becomes
    /// unknown — silent, never a guess (a foreach variable's owner is a plain path, and transfers exactly).
    /// </summary>
    private static PathState ForgetElementOwnership(PathState state, ResourceKey device, IOperation site) =>
        state.ElementsOf(device) is { Kind: ElementHoldKind.Unknown } ? state : state.WithElements(device, ElementHold.Unknown(site, isLock: false));

    private List<string>? _owningPaths;

    /// <summary>
    /// A local that names an object of its own was assigned again (each iteration of a foreach, "link = next"): what was
    /// known about the owning members of the object it held ("link.SupplierPreactivated" of the last link) is not known
    /// about the new one, so its writes are transfers again. Other member facts are left to the engine's loops.
    /// </summary>
    public PathState ForgetOwningMembersOf(PathState state, string local)
    {
        if (state.Facts.IsEmpty)
        {
            return state;
        }

        if (_owningPaths is null)
        {
            var paths = new HashSet<string>();
            foreach (var block in _body.Cfg.Blocks)
            {
                foreach (var op in block.Operations.Concat(block.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { block.BranchValue }).SelectMany(ResourceKeys.Walk))
                {
                    if (op is IFieldReferenceOperation or IPropertyReferenceOperation && MemberOf(op) is { } member
                        && ContractReader.OwnershipOf(member) is { Counted: false } && _body.PathOf(op) is { } path)
                    {
                        paths.Add(path);
                    }
                }
            }

            _owningPaths = paths.ToList();
        }

        foreach (var path in _owningPaths)
        {
            if (path.Length > local.Length && path[local.Length] == '.' && path.StartsWith(local, System.StringComparison.Ordinal))
            {
                state = state.WithoutFact(ValueKey.Member(path));
            }
        }

        return state;
    }

    private HashSet<ResourceKey>? _receivable;

    /// <summary>
    /// True when some write of an owning member in this body hands a reference on <paramref name="key"/> to the path
    /// (a [ForgoesPmReference] member set, an [OwnsPmReference] member cleared): a put before that write is owed, not an
    /// underflow, until the exit.
    /// </summary>
    public bool Receives(ResourceKey key)
    {
        if (_receivable is null)
        {
            _receivable = new HashSet<ResourceKey>();
            foreach (var block in _body.Cfg.Blocks)
            {
                foreach (var op in block.Operations.SelectMany(ResourceKeys.Walk))
                {
                    if (CountedStepOf(op) is { Delta: < 0 } step && InstanceOf(step.Target) is { } steppedInstance && _body.PathOf(steppedInstance) is { } steppedOwner)
                    {
                        _receivable.Add(PmKeyOfMemberPath(MemberOf(step.Target)!.ContainingType, steppedOwner, ContractReader.OwnershipOf(MemberOf(step.Target)!)!.Device));
                    }

                    if (OwnershipStepOf(op) is { } ownerStep && ContractReader.OwnershipOf(MemberOf(ownerStep.Target)!) is { } stepped
                        && (ownerStep.Delta > 0) == stepped.Forgoes && InstanceOf(ownerStep.Target) is { } ownerInstance && _body.PathOf(ownerInstance) is { } ownerPath)
                    {
                        _receivable.Add(PmKeyOfMemberPath(MemberOf(ownerStep.Target)!.ContainingType, ownerPath, stepped.Device));
                    }

                    if (OwnershipWriteOf(op) is { } write && SetsMember(write.Value) is { } set
                        && ContractReader.OwnershipOf(MemberOf(write.Target)!) is { } ownership && ownership.Forgoes == set
                        && (write.Target is IFieldReferenceOperation f ? f.Instance : ((IPropertyReferenceOperation)write.Target).Instance) is { } instance
                        && _body.PathOf(instance) is { } owner)
                    {
                        _receivable.Add(PmKeyOfMemberPath(MemberOf(write.Target)!.ContainingType, owner, ownership.Device));
                    }
                }
            }
        }

        return _receivable.Contains(key);
    }

    /// <summary>A put the path cannot pay yet: the count goes below zero, remembered at <paramref name="site"/>.</summary>
    public PathState Owe(PathState state, ResourceKey key, IOperation site)
    {
        var count = state.CountOf(key) - 1;
        return state.WithPm(key, count).WithValue(Owed(key), ValueKey.Result(site));
    }

    /// <summary>At an exit: a hand-over to object state that no get on the path paid for (VPM0002 at the write).</summary>
    public void CheckOwnershipAtExit(PathState state)
    {
        foreach (var kv in state.Pm)
        {
            if (kv.Value < 0 && state.Values.TryGetValue(Owed(kv.Key), out var site) && site.Site is { } write)
            {
                _sink.Report(FindingKind.PmUnderflow, kv.Key, write.Syntax.GetLocation(), null, Describe(write));
            }
        }
    }

    private static string Describe(IOperation write)
    {
        if (write is IInvocationOperation { TargetMethod.Name: var name } && OwnershipWriteOf(write) is null)
        {
            return name;
        }

        var text = write.Syntax.ToString();
        return text.Length > 60 ? text.Substring(0, 57) + "..." : text;
    }

    // ---- device paths --------------------------------------------------------------------------------------------

    /// <summary>
    /// The PM key of a device named by a member path of <paramref name="type"/> under <paramref name="owner"/>: a path to
    /// a device ("Pdev") means its runtime-PM object ("Pdev.Power"), the key its get/put calls use.
    /// </summary>
    private static ResourceKey PmKeyOfMemberPath(ITypeSymbol type, string owner, string path)
    {
        var key = owner + "." + path;
        return new ResourceKey(ResolveMemberPath(type, path) is { } resolved && HasMember(resolved, "Power") ? key + ".Power" : key);
    }

    /// <summary>Normalises a contract target the same way: "Pdev" → "Pdev.Power" when Pdev is a device.</summary>
    public static string? NormalizePmTarget(IMethodSymbol method, string? target, string? key)
    {
        if (target is null || key is null)
        {
            return key;
        }

        var head = target.Split('.')[0];
        var rest = target.Length > head.Length ? target.Substring(head.Length + 1) : null;
        var headName = ElementPaths.MemberName(head);
        ITypeSymbol? resolved = null;
        foreach (var p in method.Parameters)
        {
            if (p.Name == headName)
            {
                var type = head.Length > headName.Length ? ElementPaths.ElementType(p.Type) : p.Type;
                resolved = rest is null || type is null ? type : ResolveMemberPath(type, rest);
            }
        }

        resolved ??= method.ContainingType is { } owner ? ResolveMemberPath(owner, target) : null;
        return resolved is not null && HasMember(resolved, "Power") ? key + ".Power" : key;
    }

    private static ITypeSymbol? ResolveMemberPath(ITypeSymbol type, string path)
    {
        ITypeSymbol? current = type;
        foreach (var segment in path.Split('.'))
        {
            ITypeSymbol? next = null;
            var name = ElementPaths.MemberName(segment);
            for (var t = current; t is not null && next is null; t = t.BaseType)
            {
                foreach (var m in t.GetMembers(name))
                {
                    next = m switch
                    {
                        IFieldSymbol field => field.Type,
                        IPropertySymbol property => property.Type,
                        _ => next,
                    };
                }
            }

            if (next is not null && name.Length < segment.Length)
            {
                next = ElementPaths.ElementType(next); // "Devices[]": each element of the collection
            }

            if (next is null)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static bool HasMember(ITypeSymbol type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.GetMembers(name).Any(m => m is IPropertySymbol or IFieldSymbol))
            {
                return true;
            }
        }

        return false;
    }
}
