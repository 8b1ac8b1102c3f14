namespace VfioPm.Runtime.Tests.Linearizability.RuntimePmApi;

/// <summary>The runtime-PM calls the linearizability check makes (issue 15's list, plus the workqueue's worker).</summary>
internal enum RpmOpKind
{
    ResumeAndGet,
    GetSync,
    Get,
    GetNoResume,
    GetIfActive,
    GetIfInUse,
    Put,
    PutNoIdle,
    PutSync,
    PutAutosuspend,
    Idle,
    Suspend,
    Resume,
    Allow,
    Forbid,
    Disable,
    Enable,
    Barrier,

    /// <summary>The PM workqueue's worker, pumped until idle (only in the sequential part: see RpmSubject).</summary>
    RunWork,
}
