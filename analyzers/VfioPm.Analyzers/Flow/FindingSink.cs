using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Collects one body's findings: one per (kind, resource, location) however many paths reach it, nothing from a trusted
/// primitive's body (for the resource it is trusted for), nothing about a BCL monitor as a memory_lock.
/// </summary>
internal sealed class FindingSink
{
    private readonly FlowBody _body;
    private readonly List<FlowFinding> _findings = new();
    private readonly HashSet<(FindingKind, ResourceKey, int)> _reported = new();

    public FindingSink(FlowBody body) => _body = body;

    public ImmutableArray<FlowFinding> ToImmutable() => _findings.ToImmutableArray();

    public void Report(FindingKind kind, ResourceKey key, Location location, Location? related, string detail, bool getSyncFailure = false, bool? pmResource = null,
        Contracts.LockMode heldMode = Contracts.LockMode.None)
    {
        var isPm = pmResource ?? kind is FindingKind.PmLeak or FindingKind.PmUnderflow;
        if (kind != FindingKind.RawPmResultReturned && ((isPm && _body.TrustPmBody) || (!isPm && _body.TrustLockBody) || (!isPm && _body.MonitorKeys.Contains(key))))
        {
            return;
        }

        if (_reported.Add((kind, key, location.SourceSpan.Start)))
        {
            _findings.Add(new FlowFinding(kind, key, location, related, detail, getSyncFailure, heldMode));
        }
        else if (kind == FindingKind.LockLeak)
        {
            // Another path to the same exit: the mode is only known when every path holds the lock in the same one.
            var index = _findings.FindIndex(f => f.Kind == kind && f.Key == key && f.Location.SourceSpan.Start == location.SourceSpan.Start);
            if (index >= 0 && _findings[index].HeldMode != heldMode)
            {
                _findings[index] = _findings[index] with { HeldMode = Contracts.LockMode.None };
            }
        }
        else if (kind == FindingKind.PmLeak && getSyncFailure)
        {
            // Prefer the more specific get_sync verdict for the same exit.
            var index = _findings.FindIndex(f => f.Kind == kind && f.Key == key && f.Location.SourceSpan.Start == location.SourceSpan.Start);
            if (index >= 0)
            {
                _findings[index] = _findings[index] with { GetSyncFailurePath = true };
            }
        }
    }
}
