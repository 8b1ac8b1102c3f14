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

        if (hold is null or { Kind: ElementHoldKind.Vacuous })
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

    public PathState Release(IInvocationOperation invocation, ResourceKey key, PathState state, bool isLock) =>
        ReleaseAt(invocation, key, IndexOf(invocation), IndexLocal(invocation), state, isLock);

    /// <summary>A put on a foreach variable with nothing counted on it: the collection's element at the loop's position.</summary>
    public PathState ReleaseCurrent(IInvocationOperation invocation, ResourceKey element, ValueKey position, PathState state, bool isLock) =>
        ReleaseAt(invocation, element, position, null, state, isLock);

    private PathState ReleaseAt(IInvocationOperation invocation, ResourceKey key, ValueKey? index, ILocalSymbol? indexLocal, PathState state, bool isLock)
    {
        var hold = state.ElementsOf(key);
        if (hold is null or { Kind: ElementHoldKind.Unknown or ElementHoldKind.Partial or ElementHoldKind.Vacuous } || index is not { } i)
        {
            // Nothing taken on this path: the collection may be empty (the taking loop never ran, so neither does
            // this one) or the elements the caller's — not judged, as before elements were tracked. A Partial hold
            // stays one under its own loop's puts; another loop's puts cannot be matched to it.
            var own = hold is { Kind: ElementHoldKind.Partial } && index is { } at && hold.Index.Equals(at);
            return hold is null or { Kind: ElementHoldKind.Vacuous } || own ? state : state.WithElements(key, ElementHold.Unknown(invocation, isLock));
        }

        var startsAtZero = state.Facts.TryGetValue(i, out var start) && start.AsConstant == 0;
        switch (hold.Kind)
        {
            case ElementHoldKind.Emptied:
                // The unwind already met its stop: this element was never taken.
                Underflow(invocation, key, isLock);
                return state;
            case ElementHoldKind.All when indexLocal is not null && (_body.Reverse.CollectionCountingDown(indexLocal) ?? state.LastElementOf(indexLocal)) is { } collection
                && key.Path.StartsWith(collection + "[]", System.StringComparison.Ordinal):
                // A putting loop from the last element down: what remains is the prefix below this element.
                return state.WithElements(key, ElementHold.Prefix(i, 0, hold.Site, isLock));
            case ElementHoldKind.All when startsAtZero:
                // A putting loop from the start: what remains is the suffix after this element.
                return state.WithElements(key, ElementHold.Suffix(i, 1, hold.Site, isLock));
            case ElementHoldKind.Suffix when hold.Index.Equals(i) && hold.Offset < 0:
                // An earlier element was skipped: it is still held, with others after it.
                return state.WithElements(key, ElementHold.Partial(i, hold.Site, isLock));
            case ElementHoldKind.Prefix when indexLocal is null && !hold.Index.Equals(i) && hold.Offset == 0 && startsAtZero:
                // A put-every-element loop over what a finished taking loop holds ([0, stop): it broke off at stop)
                // with no test for the stop: it puts the element the taking loop failed on.
                Underflow(invocation, key, isLock);
                return state.WithElements(key, ElementHold.UpTo(i, 1, hold.Index!.Value, hold.Site, isLock));
            case ElementHoldKind.UpTo when hold.Index.Equals(i) && hold.Offset == 0:
                if (!hold.BeforeStop)
                {
                    // Not tested against the stop first: this may be the element the taking loop failed on.
                    Underflow(invocation, key, isLock);
                }

                return state.WithElements(key, hold with { Offset = 1 });
            case ElementHoldKind.UpTo when hold.Index.Equals(i) && hold.Offset > 0:
                Underflow(invocation, key, isLock); // this iteration's element was put already
                return state;
            case ElementHoldKind.UpTo when hold.Index.Equals(i):
                return state.WithElements(key, ElementHold.Partial(i, hold.Site, isLock)); // an earlier element was skipped
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
        ResourceKeys.ElementIndexOf(invocation.Instance, _body.CaptureLocals, _body.CaptureDefinitions, _body.Keys);

    private ValueKey? IndexOf(IInvocationOperation invocation) =>
        ResourceKeys.ElementIndexOf(invocation.Instance, _body.CaptureLocals, _body.CaptureDefinitions, _body.Keys) is { } local ? _body.SubjectOfLocal(local) : null;
}
