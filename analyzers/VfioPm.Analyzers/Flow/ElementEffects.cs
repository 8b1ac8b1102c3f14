using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Acquires and releases on one element of a collection resource ("devices[cur].Pdev.Power.ResumeAndGet()"), kept
/// as an <see cref="ElementHold"/> relative to the loop's index: a loop that takes one per iteration builds a Prefix,
/// the kernel's reverse unwind (<c>for (cur--; cur &gt;= 0; cur--)</c>) takes it apart element by element, and a put on
/// an element the description says is not held is VPM0002 (or VPM0010) at the put — the unwind that goes one too far.
/// </summary>
internal sealed class ElementEffects
{
    private readonly FlowBody _body;
    private readonly FindingSink _sink;

    public ElementEffects(FlowBody body, FindingSink sink)
    {
        _body = body;
        _sink = sink;
    }

    /// <summary>True for a key that names every element of a collection ("…[]…").</summary>
    public static bool IsElementKey(ResourceKey key) => key.Path.Contains("[]");

    public PathState Acquire(IInvocationOperation invocation, ResourceKey key, PathState state, bool isLock)
    {
        var index = IndexOf(invocation);
        var hold = state.ElementsOf(key);
        if (index is not { } i)
        {
            return state.WithElements(key, ElementHold.Unknown(invocation, isLock));
        }

        if (hold is null)
        {
            // The first element taken: a Prefix only when the loop starts at 0.
            return state.WithElements(key, state.Facts.TryGetValue(i, out var start) && start.AsConstant == 0
                ? ElementHold.Prefix(i, 1, invocation, isLock)
                : ElementHold.Unknown(invocation, isLock));
        }

        return state.WithElements(key, hold is { Kind: ElementHoldKind.Prefix, Offset: 0 } && hold.Index.Equals(i)
            ? hold with { Offset = 1 }
            : ElementHold.Unknown(invocation, isLock));
    }

    public PathState Release(IInvocationOperation invocation, ResourceKey key, PathState state, bool isLock)
    {
        var index = IndexOf(invocation);
        var hold = state.ElementsOf(key);
        if (hold is null or { Kind: ElementHoldKind.Unknown } || index is not { } i)
        {
            // Nothing taken on this path: the collection may be empty (the taking loop never ran, so neither does
            // this one) or the elements the caller's — not judged, as before elements were tracked.
            return hold is null ? state : state.WithElements(key, ElementHold.Unknown(invocation, isLock));
        }

        switch (hold.Kind)
        {
            case ElementHoldKind.All when IndexLocal(invocation) is { } local && _body.Reverse.CollectionCountingDown(local) is { } collection
                && key.Path.StartsWith(collection + "[]", System.StringComparison.Ordinal):
                // A putting loop from the last element down: what remains is the prefix below this element.
                return state.WithElements(key, ElementHold.Prefix(i, 0, hold.Site, isLock));
            case ElementHoldKind.All when state.Facts.TryGetValue(i, out var start) && start.AsConstant == 0:
                // A putting loop from the start: what remains is the suffix after this element.
                return state.WithElements(key, ElementHold.Suffix(i, 1, hold.Site, isLock));
            case ElementHoldKind.Prefix or ElementHoldKind.Suffix when hold.Index.Equals(i) && hold.HoldsCurrent:
                var next = hold.Kind == ElementHoldKind.Prefix ? hold with { Offset = hold.Offset - 1 } : hold with { Offset = hold.Offset + 1 };
                return state.WithElements(key, next.Kind == ElementHoldKind.Prefix && next.Offset < 0 || next.Kind == ElementHoldKind.Suffix && next.Offset > 1 ? ElementHold.Unknown(hold.Site, isLock) : next);
            case ElementHoldKind.Prefix or ElementHoldKind.Suffix when hold.Index.Equals(i):
                Underflow(invocation, key, isLock);
                return state;
            default:
                return state.WithElements(key, ElementHold.Unknown(hold.Site, isLock));
        }
    }

    private void Underflow(IInvocationOperation invocation, ResourceKey key, bool isLock)
    {
        if (isLock)
        {
            _sink.Report(FindingKind.LockReleaseNotHeld, key, invocation.Syntax.GetLocation(), null, "is released on an element this path does not hold (the loop puts one element too many)");
        }
        else
        {
            _sink.Report(FindingKind.PmUnderflow, key, invocation.Syntax.GetLocation(), null, invocation.TargetMethod.Name);
        }
    }

    private ILocalSymbol? IndexLocal(IInvocationOperation invocation) =>
        ResourceKeys.ElementIndexOf(invocation.Instance, _body.CaptureLocals, _body.CaptureDefinitions);

    private ValueKey? IndexOf(IInvocationOperation invocation) =>
        ResourceKeys.ElementIndexOf(invocation.Instance, _body.CaptureLocals, _body.CaptureDefinitions) is { } local ? _body.SubjectOfLocal(local) : null;
}
