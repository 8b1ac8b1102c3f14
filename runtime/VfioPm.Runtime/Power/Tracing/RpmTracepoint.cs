namespace VfioPm.Runtime.Power;

/// <summary>The tracepoints of <c>include/trace/events/rpm.h</c> (system <c>rpm</c>).</summary>
public enum RpmTracepoint
{
    /// <summary><c>rpm_idle</c> (event class <c>rpm_internal</c>): entry to <c>rpm_idle()</c>.</summary>
    Idle,

    /// <summary><c>rpm_suspend</c> (<c>rpm_internal</c>): entry to <c>rpm_suspend()</c>.</summary>
    Suspend,

    /// <summary><c>rpm_resume</c> (<c>rpm_internal</c>): entry to <c>rpm_resume()</c>.</summary>
    Resume,

    /// <summary>
    /// <c>rpm_usage</c> (<c>rpm_internal</c>): a usage-count change that does not reach the state machine — a put that
    /// leaves the count above zero, <c>pm_runtime_get_if_active()</c>/<c>_if_in_use()</c>, <c>pm_runtime_allow()</c> and
    /// <c>update_autosuspend()</c> while a reference is still held.
    /// </summary>
    Usage,

    /// <summary><c>rpm_return_int</c>: the result of <c>rpm_idle()</c>, <c>rpm_suspend()</c> or <c>rpm_resume()</c>.</summary>
    ReturnInt,

    /// <summary><c>rpm_status</c>: <c>__update_runtime_status()</c> sets a new runtime status.</summary>
    Status,
}
