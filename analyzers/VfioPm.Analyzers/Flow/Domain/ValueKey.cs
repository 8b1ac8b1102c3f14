using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>What a <see cref="ValueKey"/> names.</summary>
internal enum ValueKeyKind : byte
{
    /// <summary>The result of one call site (an <see cref="IOperation"/>): what an acquire returned on this path.</summary>
    Result,
    /// <summary>A local variable; its facts are forgotten when it is assigned.</summary>
    Local,
    /// <summary>A compiler flow capture (a temporary of the control-flow graph).</summary>
    Capture,
    /// <summary>
    /// A parameter, or a member path under one or under <c>this</c> ("dev.Parent", "this.DisableIdleD3"): the same
    /// value each time it is read until the method assigns that path or a prefix of it.
    /// </summary>
    Member,
    /// <summary>
    /// The position of a foreach variable's current element in its collection (0 for the first): -1 where the loop's
    /// enumerator is created, one more at each MoveNext. Element holds taken through the variable count from it.
    /// </summary>
    Iteration,
    /// <summary>
    /// A holder in <see cref="PathState.Values"/>, never a fact: which element a local names. Assigned a foreach
    /// variable (the kernel's "remember the failing device"), it names the element at that loop's
    /// <see cref="Iteration"/> position, the holder's value; assigned "X.Count - 1" (an index set to the last element,
    /// for a loop that puts from there down), the value is the member path "X.Count". Any other write drops it.
    /// </summary>
    Marker,
}

/// <summary>
/// The subject of a value fact, typed: a call's result, a local, a flow capture or a member path. Value equality (a
/// member path is compared as a string, a symbol with the symbol's own equality, an operation by identity), so facts
/// about the same subject meet however the key was built.
/// </summary>
internal readonly struct ValueKey : IEquatable<ValueKey>
{
    private ValueKey(ValueKeyKind kind, object identity)
    {
        Kind = kind;
        Identity = identity;
    }

    public ValueKeyKind Kind { get; }

    /// <summary>The operation, symbol, capture id (boxed) or path string.</summary>
    public object Identity { get; }

    public static ValueKey Result(IOperation site) => new(ValueKeyKind.Result, site);

    public static ValueKey Local(ILocalSymbol local) => new(ValueKeyKind.Local, local);

    public static ValueKey Capture(CaptureId id) => new(ValueKeyKind.Capture, id);

    public static ValueKey Member(string path) => new(ValueKeyKind.Member, path);

    /// <summary>The position of <paramref name="variable"/>'s element (a foreach iteration variable).</summary>
    public static ValueKey Iteration(ILocalSymbol variable) => new(ValueKeyKind.Iteration, variable);

    /// <summary>The marker holder of <paramref name="local"/>: which foreach position it names, if any.</summary>
    public static ValueKey Marker(ILocalSymbol local) => new(ValueKeyKind.Marker, local);

    /// <summary>The call site of a <see cref="ValueKeyKind.Result"/> key.</summary>
    public IOperation? Site => Kind == ValueKeyKind.Result ? (IOperation)Identity : null;

    public bool Equals(ValueKey other) => Kind == other.Kind && (ReferenceEquals(Identity, other.Identity) || Identity.Equals(other.Identity));

    public override bool Equals(object? obj) => obj is ValueKey other && Equals(other);

    public override int GetHashCode() => (Identity.GetHashCode() * 5) + (int)Kind;

    public override string ToString() => Kind + ":" + Identity;
}
