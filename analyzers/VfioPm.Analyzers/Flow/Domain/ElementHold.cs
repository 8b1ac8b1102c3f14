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
    /// <summary>
    /// Elements [index + Offset, stop) are held, stop being the fixed position a marker local names: what a loop that
    /// puts one per iteration until it meets the element the taking loop failed on has left (the "stop at the failing
    /// element, put the ones before it" unwind).
    /// </summary>
    UpTo,
    /// <summary>
    /// At least one element is held, in a shape the domain does not describe: a put-all loop over elements held whole
    /// skipped some, or a taking loop skipped some before it took one. Reported where the path leaves, like a Prefix
    /// that is not empty. Index is the loop that made it: its own later puts keep it Partial; a put from another loop
    /// (the matching conditional put-all) cannot be matched element by element, so it makes the hold Unknown.
    /// </summary>
    Partial,
    /// <summary>
    /// Every element the path held has been put back by an unwind that reached its stop: nothing is held, and a put on
    /// an element now is one too many.
    /// </summary>
    Emptied,
    /// <summary>
    /// The collection is empty on this path (a loop over it found no first element): every per-element fact holds
    /// vacuously — nothing is held, a release of every element is balanced, and no loop over it runs.
    /// </summary>
    Vacuous,
    /// <summary>Something the domain cannot describe: never reported, as before elements were tracked.</summary>
    Unknown,
}

/// <summary>
/// Which elements of a collection a path holds a reference or memory_lock on, relative to a loop's index (a local, or
/// a foreach variable's <see cref="ValueKeyKind.Iteration"/> position). Offset is relative to the index's current
/// value, so "i++" is Offset - 1. Emptiness is decided with what the value facts know about the index: a Prefix with
/// index + Offset &lt;= 0 holds nothing. An element acquired or released where the description cannot follow becomes
/// <see cref="ElementHoldKind.Unknown"/> (silent), never a guess.
/// </summary>
/// <param name="Kind">The shape.</param>
/// <param name="Index">The index (Prefix, Suffix, UpTo).</param>
/// <param name="Offset">Offset from the index's current value.</param>
/// <param name="Site">The acquire in the loop, for messages.</param>
/// <param name="IsLock">True for memory_lock holds, false for runtime-PM references.</param>
/// <param name="Stop">UpTo: the Iteration position of the element the unwind stops at.</param>
/// <param name="BeforeStop">UpTo: this iteration's element is known to come before the stop (the loop tested it).</param>
internal sealed record ElementHold(ElementHoldKind Kind, ValueKey? Index, int Offset, IOperation Site, bool IsLock, ValueKey? Stop = null, bool BeforeStop = false)
{
    public static ElementHold Prefix(ValueKey index, int offset, IOperation site, bool isLock) => new(ElementHoldKind.Prefix, index, offset, site, isLock);

    public static ElementHold Suffix(ValueKey index, int offset, IOperation site, bool isLock) => new(ElementHoldKind.Suffix, index, offset, site, isLock);

    public static ElementHold All(IOperation site, bool isLock) => new(ElementHoldKind.All, null, 0, site, isLock);

    public static ElementHold UpTo(ValueKey index, int offset, ValueKey stop, IOperation site, bool isLock) => new(ElementHoldKind.UpTo, index, offset, site, isLock, stop);

    public static ElementHold Partial(ValueKey? index, IOperation site, bool isLock) => new(ElementHoldKind.Partial, index, 0, site, isLock);

    public static ElementHold Emptied(IOperation site, bool isLock) => new(ElementHoldKind.Emptied, null, 0, site, isLock);

    public static ElementHold Vacuous(IOperation site, bool isLock) => new(ElementHoldKind.Vacuous, null, 0, site, isLock);

    public static ElementHold Unknown(IOperation site, bool isLock) => new(ElementHoldKind.Unknown, null, 0, site, isLock);

    /// <summary>Whether this may hold some element on a path where the index is in <paramref name="index"/> (null: unknown).</summary>
    public bool MayHoldAny(ValueSet? index) => Kind switch
    {
        ElementHoldKind.All or ElementHoldKind.Partial or ElementHoldKind.Suffix => true,
        ElementHoldKind.Prefix => index is { IsEmpty: false } known && known.Max != long.MaxValue ? known.Max + Offset >= 1 : index is { IsEmpty: false },
        // [index + Offset, stop): element index - 1 came before the stop, and so does index where the loop tested it.
        ElementHoldKind.UpTo => Offset < 0 || (Offset == 0 && BeforeStop),
        _ => false,
    };

    /// <summary>Whether element <c>index</c> itself is held (Prefix: Offset &gt;= 1; Suffix: Offset &lt;= 0; UpTo: before the stop).</summary>
    public bool HoldsCurrent => Kind switch
    {
        ElementHoldKind.Prefix => Offset >= 1,
        ElementHoldKind.Suffix => Offset <= 0,
        ElementHoldKind.UpTo => Offset <= 0 && BeforeStop,
        ElementHoldKind.All => true,
        _ => false,
    };
}
