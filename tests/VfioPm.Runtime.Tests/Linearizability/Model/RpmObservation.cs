using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.Linearizability.Model;

/// <summary>
/// Everything a caller can observe of one device's runtime PM after a history: the <c>dev_pm_info</c> fields the API
/// exposes, the parent's child count, how often each callback ran, and the warnings (usage-count underflow, unbalanced
/// enable). The runtime and the model are compared on exactly this.
/// </summary>
internal readonly record struct RpmObservation(
    RpmStatus Status,
    int Usage,
    int Depth,
    int Error,
    bool Allowed,
    RpmStatus? LastStatus,
    bool RequestPending,
    int ParentChildCount,
    int Suspends,
    int Resumes,
    int Underflows,
    int UnbalancedEnables)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Status} uc={Usage} dd={Depth} err={Error} {(Allowed ? "auto" : "on")} last={(LastStatus?.ToString() ?? "-")}"
        + $" req={(RequestPending ? "yes" : "no")} parent.cc={ParentChildCount} cb={Suspends}s/{Resumes}r"
        + $" warn={Underflows}u/{UnbalancedEnables}e";
}
