using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>How the elements a path holds of one collection resource are described.</summary>
internal enum ElementHoldKind : byte
{
    /// <summary>Elements [0, index + Offset) are held: what a loop that takes one per iteration has taken so far.</summary>
    Prefix,
    /// <summary>Elements [index + Offset, Count) are held: what a loop that puts one per iteration has left.</summary>
    Suffix,
    /// <summary>Every element is held (a taking loop ran to its end).</summary>
    All,
    /// <summary>Something the domain cannot describe: never reported, as before elements were tracked.</summary>
    Unknown,
}

/// <summary>
/// Which elements of a collection a path holds a reference or memory_lock on, relative to a loop's index local
/// (Offset is relative to the index's current value, so "i++" is Offset - 1). Emptiness is decided with what the value
/// facts know about the index: a Prefix with index + Offset &lt;= 0 holds nothing. An element acquired or released
/// where the description cannot follow becomes <see cref="ElementHoldKind.Unknown"/> (silent), never a guess.
/// </summary>
/// <param name="Kind">The shape.</param>
/// <param name="Index">The index local (Prefix, Suffix).</param>
/// <param name="Offset">Offset from the index's current value.</param>
/// <param name="Site">The acquire in the loop, for messages.</param>
/// <param name="IsLock">True for memory_lock holds, false for runtime-PM references.</param>
internal sealed record ElementHold(ElementHoldKind Kind, ValueKey? Index, int Offset, IOperation Site, bool IsLock)
{
    public static ElementHold Prefix(ValueKey index, int offset, IOperation site, bool isLock) => new(ElementHoldKind.Prefix, index, offset, site, isLock);

    public static ElementHold Suffix(ValueKey index, int offset, IOperation site, bool isLock) => new(ElementHoldKind.Suffix, index, offset, site, isLock);

    public static ElementHold All(IOperation site, bool isLock) => new(ElementHoldKind.All, null, 0, site, isLock);

    public static ElementHold Unknown(IOperation site, bool isLock) => new(ElementHoldKind.Unknown, null, 0, site, isLock);

    /// <summary>Whether this may hold some element on a path where the index is in <paramref name="index"/> (null: unknown).</summary>
    public bool MayHoldAny(ValueSet? index) => Kind switch
    {
        ElementHoldKind.All => true,
        ElementHoldKind.Prefix => index is { IsEmpty: false } known && known.Max != long.MaxValue ? known.Max + Offset >= 1 : index is { IsEmpty: false },
        ElementHoldKind.Suffix => true,
        _ => false,
    };

    /// <summary>Whether element <c>index</c> itself is held (Prefix: Offset &gt;= 1; Suffix: Offset &lt;= 0).</summary>
    public bool HoldsCurrent => Kind switch
    {
        ElementHoldKind.Prefix => Offset >= 1,
        ElementHoldKind.Suffix => Offset <= 0,
        ElementHoldKind.All => true,
        _ => false,
    };
}
