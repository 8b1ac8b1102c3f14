using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Where a reference kept past the method belongs: the writable [OwnsPmReference] member of the object the get was
/// called on (SOF's <c>d3_prevented</c>), so that a leak is reported where the fix goes.
/// </summary>
internal sealed partial class ContractForms
{
    /// <summary>
    /// For a get called directly on a device member's runtime-PM object (<c>Dev.Power.GetNoResume()</c>): the
    /// [OwnsPmReference] members of the same object that record references on that device (<c>D3Prevented</c>; several
    /// joined for the message, "RpmActive' or 'SupplierPreactivated"), or null.
    /// A reference such an object keeps past the method belongs in that member; one that is neither put nor handed to it
    /// is reported at the get (<c>snd_sof_handle_fw_exception()</c> before d3_prevented).
    /// </summary>
    public static string? RecordingOwnerOf(IInvocationOperation get, INamedTypeSymbol? within)
    {
        if (within is null)
        {
            return null;
        }

        var receiver = get.Instance;
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        if (receiver is not IPropertyReferenceOperation { Property.Name: "Power", Instance: { } device } || MemberOf(device) is not { } deviceMember || InstanceOf(device) is null)
        {
            return null;
        }

        string? owners = null;
        for (var t = deviceMember.ContainingType; t is not null; t = t.BaseType)
        {
            foreach (var candidate in t.GetMembers())
            {
                // Only a member this code can write is a place to hand the reference to (not a latched flag, not
                // another type's private state).
                var writable = candidate is IFieldSymbol { IsReadOnly: false, IsConst: false } or IPropertySymbol { SetMethod.IsInitOnly: false };
                if (writable && ContractReader.OwnershipOf(candidate) is { Forgoes: false, Unless: null } ownership && ownership.Device == deviceMember.Name
                    && Writes(within, candidate))
                {
                    owners = owners is null ? candidate.Name : owners + "' or '" + candidate.Name;
                }
            }
        }

        return owners;
    }

    private HashSet<ResourceKey>? _putKeys;

    /// <summary>True when some call in this body releases a runtime-PM reference on <paramref name="key"/>.</summary>
    public bool PutsAnywhere(ResourceKey key)
    {
        if (_putKeys is null)
        {
            _putKeys = new HashSet<ResourceKey>();
            foreach (var block in _body.Cfg.Blocks)
            {
                foreach (var op in block.Operations.SelectMany(ResourceKeys.Walk))
                {
                    if (op is IInvocationOperation call && _body.Contracts.For(call.TargetMethod) is { ReleasesPm: true } contract
                        && _body.ComputeKey(call, contract.ReleasesPmTarget, isLock: false) is { } released)
                    {
                        _putKeys.Add(released);
                    }
                }
            }
        }

        return _putKeys.Contains(key);
    }

    // Whether code of `within` may write `member`: public or internal, or within its own type (nested types included),
    // or protected from a derived type.
    private static bool Writes(INamedTypeSymbol within, ISymbol member)
    {
        if (member.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
        {
            return true;
        }

        for (var t = within; t is not null; t = t.ContainingType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, member.ContainingType.OriginalDefinition))
            {
                return true;
            }

            if (member.DeclaredAccessibility is Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                for (var b = t.BaseType; b is not null; b = b.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(b.OriginalDefinition, member.ContainingType.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
