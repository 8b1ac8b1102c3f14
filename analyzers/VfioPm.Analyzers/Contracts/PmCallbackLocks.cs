using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Contracts;

/// <summary>
/// Which locks a device's runtime-PM callbacks take, derived from the two halves the layers declare: the runtime-PM
/// layer marks what may run callbacks ([MayRunPmCallbacks]); the driver marks its device member ([PmDevice]) and its
/// callbacks ([RuntimePmCallback] with [ExcludesMemoryLock]: "this callback takes memory_lock"). VPM0007 is a call of
/// the first kind on that device while one of those locks is held.
/// </summary>
internal static class PmCallbackLocks
{
    private static readonly ConcurrentDictionary<ITypeSymbol, ImmutableArray<string>?> ByType = new(SymbolEqualityComparer.Default);

    /// <summary>The device whose callbacks <paramref name="invocation"/> may run: the receiver, or the owner of a <c>Power</c> receiver.</summary>
    public static IOperation? DeviceOf(IInvocationOperation invocation, MethodContract contract)
    {
        if (contract.MayRunPmCallbacksTarget is { } target)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == target)
                {
                    return Unwrap(argument.Value);
                }
            }

            return null;
        }

        var receiver = invocation.Instance is null ? null : Unwrap(invocation.Instance);
        return receiver is IPropertyReferenceOperation { Property.Name: "Power", Instance: { } device } ? Unwrap(device) : receiver;
    }

    /// <summary>
    /// The lock members (of the device member's owner) that the callbacks of <paramref name="device"/> take, with the
    /// owner expression; <see langword="null"/> when the device is not a [PmDevice] member of a type that declares its
    /// callbacks (then nothing precise is known).
    /// </summary>
    public static (IOperation Owner, ImmutableArray<string> Locks)? Of(IOperation? device)
    {
        var (member, owner) = device switch
        {
            IFieldReferenceOperation f => ((ISymbol)f.Field, f.Instance),
            IPropertyReferenceOperation p => (p.Property, p.Instance),
            _ => (null!, null),
        };
        if (member is null || owner is null || !ContractReader.IsPmDevice(member))
        {
            return null;
        }

        var locks = ByType.GetOrAdd(member.ContainingType, Compute);
        return locks is { } l ? (owner, l) : null;
    }

    // The lock names taken by the type's callbacks (its own methods and its nested types'); null when it declares none.
    private static ImmutableArray<string>? Compute(ITypeSymbol type)
    {
        var found = false;
        var locks = new HashSet<string>();
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(type);
        while (pending.Count > 0)
        {
            foreach (var member in pending.Pop().GetMembers())
            {
                if (member is INamedTypeSymbol nested)
                {
                    pending.Push(nested);
                    continue;
                }

                if (member is not IMethodSymbol method)
                {
                    continue;
                }

                var isCallback = false;
                string? taken = null;
                var takes = false;
                foreach (var a in method.GetAttributes())
                {
                    if (ContractReader.IsOurs(a, AttributeNames.RuntimePmCallback))
                    {
                        isCallback = true;
                    }
                    else if (ContractReader.IsOurs(a, AttributeNames.ExcludesMemoryLock))
                    {
                        takes = true;
                        foreach (var kv in a.NamedArguments)
                        {
                            if (kv.Key == "Lock" && kv.Value.Value is string s)
                            {
                                taken = s;
                            }
                        }
                    }
                }

                if (isCallback)
                {
                    found = true;
                    if (takes)
                    {
                        locks.Add(taken ?? "MemoryLock");
                    }
                }
            }
        }

        return found ? locks.ToImmutableArray() : null;
    }

    private static IOperation Unwrap(IOperation op) => op is IConversionOperation c ? Unwrap(c.Operand) : op is IParenthesizedOperation p ? Unwrap(p.Operand) : op;
}
