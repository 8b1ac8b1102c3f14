using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>
/// Where a device access's requirements are named. The lock: vfio's own helpers on a type with a <c>MemoryLock</c>
/// member need that lock; a PCI accessor reached through a member marked [PtGuardedBy("MemoryLock")]
/// (<c>vdev.Pdev.ReadBar</c>) needs that member's guard of the same owner (<c>vdev.MemoryLock</c>); reached any other
/// way it needs no lock, because the PCI layer knows none. The reference: a device (a type with a <c>Power</c> member)
/// needs one on itself; anything else (a vfio helper, a static) accepts any reference held.
/// </summary>
internal static class HardwareGuard
{
    /// <summary>The lock key guarding the hardware <paramref name="invocation"/> touches, or <see langword="null"/> when none is named.</summary>
    public static ResourceKey? KeyFor(FlowResult analysis, IInvocationOperation invocation)
    {
        if (invocation.Instance is not null && HasMember(invocation.TargetMethod.ContainingType, "MemoryLock"))
        {
            return analysis.LockKeyFor(invocation, null);
        }

        if (DeviceOperand(invocation) is not { } device)
        {
            return null;
        }

        var (member, owner) = MemberOf(analysis, device);
        if (member is null || owner is null || ContractReader.PtGuardOf(member) is not { } guard || analysis.PathOf(owner) is not { } ownerPath)
        {
            return null;
        }

        return new ResourceKey(ownerPath + "." + guard);
    }

    /// <summary>The device an access touches: the receiver, or for a static accessor (<c>pci_read_config_word(pdev, ...)</c>) its device argument.</summary>
    /// <remarks>
    /// A helper of the driver's own class that is handed the device (<c>pci_free_irq_vectors(pdev)</c> ported as an
    /// instance method of the driver) touches its device argument, not <c>this</c>: the receiver counts only when it is a
    /// device itself or when no argument is one.
    /// </remarks>
    public static IOperation? DeviceOperand(IInvocationOperation invocation)
    {
        if (invocation.Instance is { } instance && instance.Type is { } type && HasMember(type, "Power"))
        {
            return instance;
        }

        return invocation.Arguments.FirstOrDefault(a => a.Value.Type is { } t && HasMember(t, "Power"))?.Value ?? invocation.Instance;
    }

    // The member a device operand is reached through and its owner: vdev.Pdev directly, or through a local copied from
    // it ("struct pci_dev *pdev = vdev->pdev;"), found at the statement of the body that defined the alias.
    private static (ISymbol? Member, IOperation? Owner) MemberOf(FlowResult analysis, IOperation device)
    {
        var operand = Unwrap(device);
        if (operand is not (IFieldReferenceOperation or IPropertyReferenceOperation) && analysis.PathOf(operand) is { } aliased
            && analysis.MemberReferenceWithPath(aliased) is { } original)
        {
            operand = Unwrap(original);
        }

        return operand switch
        {
            IFieldReferenceOperation f => (f.Field, f.Instance),
            IPropertyReferenceOperation p => (p.Property, p.Instance),
            _ => (null, null),
        };
    }

    /// <summary>True when the reference the access needs is held on every path.</summary>
    public static bool HoldsPmFor(FlowResult analysis, IInvocationOperation invocation, MethodContract callee, IReadOnlyCollection<PathState> states)
    {
        var deviceOperand = DeviceOperand(invocation);
        if (callee.RequiresPmTarget is null && deviceOperand is { } receiver
            && receiver.Type is { } type && HasMember(type, "Power") && analysis.PathOf(receiver) is { } device)
        {
            // On every path: a reference counted on the device, the caller's, or one the object's state owns.
            // The owners are read from the owner type's attributes only for a path that holds no count (most accesses
            // sit inside a get/put bracket and never need them).
            var key = new ResourceKey(device + ".Power");
            List<StateOwner>? owners = null;
            return states.Count > 0 && states.All(s =>
                s.CountOf(key) > 0 || s.CountOf(ResourceKey.ContractCredit) > 0 || (owners ??= StateOwners(analysis, receiver)).Any(o => o.OwnsOn(s))
                || analysis.HoldsElementReference(invocation, key, s) || analysis.MayHoldIndexedElement(receiver, key, s));
        }

        // A requirement naming a parameter: the argument's own reference, or one its object state owns (a device that
        // passes itself to its driver's probe while its bound driver owns the probe reference).
        if (callee.RequiresPmTarget is { } target)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == target && Unwrap(argument.Value) is IInstanceReferenceOperation self && self.Type is { } selfType)
                {
                    var owners = SelfOwners(selfType);
                    var key = new ResourceKey("this.Power");
                    if (owners.Count > 0 && states.Count > 0 && states.All(s => s.CountOf(key) > 0 || owners.Any(o => o.OwnsOn(s))))
                    {
                        return true;
                    }
                }
            }
        }

        return HeldFacts.MustHoldPm(states, null);
    }

    private static List<StateOwner> SelfOwners(ITypeSymbol type)
    {
        var owners = new List<StateOwner>();
        for (var t = type; t is not null; t = t.BaseType)
        {
            foreach (var candidate in t.GetMembers())
            {
                if (ContractReader.OwnershipOf(candidate) is { Device: "Power", Counted: false } ownership)
                {
                    owners.Add(new StateOwner(ValueKey.Member("this." + candidate.Name), !ownership.Forgoes,
                        ownership.Unless is { } unless ? ValueKey.Member("this." + unless) : null));
                }
            }
        }

        return owners;
    }

    // The members of the device's owner whose state owns a reference on it ([OwnsPmReference] set, [ForgoesPmReference]
    // clear): on a path that knows that value, the object's reference keeps the device active.
    private static List<StateOwner> StateOwners(FlowResult analysis, IOperation receiver)
    {
        var owners = new List<StateOwner>();
        var (member, owner) = MemberOf(analysis, receiver);
        if (member is null || owner is null || analysis.PathOf(owner) is not { } ownerPath)
        {
            return owners;
        }

        for (var t = member.ContainingType; t is not null; t = t.BaseType)
        {
            foreach (var candidate in t.GetMembers())
            {
                // A counted owner's value says nothing alone (rpm_active starts at 1): only flags and sets count here.
                if (ContractReader.OwnershipOf(candidate) is { Counted: false } ownership && ownership.Device == member.Name)
                {
                    owners.Add(new StateOwner(ValueKey.Member(ownerPath + "." + candidate.Name), !ownership.Forgoes,
                        ownership.Unless is { } unless ? ValueKey.Member(ownerPath + "." + unless) : null));
                }
            }
        }

        return owners;
    }

    // Owning when set (true/non-zero) or, for a [ForgoesPmReference] member, when clear; the Unless flag known false.
    private sealed record StateOwner(ValueKey Member, bool OwnsWhenSet, ValueKey? Unless)
    {
        public bool OwnsOn(PathState state) =>
            state.Facts.TryGetValue(Member, out var values) && (OwnsWhenSet ? !values.Contains(0) : values.IsSubsetOf(ValueSet.Zero))
            && (Unless is not { } unless || (state.Facts.TryGetValue(unless, out var u) && u.IsSubsetOf(ValueSet.Zero)));
    }

    private static bool HasMember(ITypeSymbol? type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.GetMembers(name).Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static IOperation Unwrap(IOperation op) => op is IConversionOperation c ? Unwrap(c.Operand) : op is IParenthesizedOperation p ? Unwrap(p.Operand) : op;
}
