using System;

namespace VfioPm.Runtime.Power;

/// <summary>
/// One hit of an <c>rpm</c> tracepoint, with the fields its <c>TP_STRUCT__entry</c> records (read at the tracepoint, as
/// <c>TP_fast_assign</c> does) and the context ftrace prints before it.
/// </summary>
/// <remarks>
/// <para>Which fields are meaningful depends on <see cref="Point"/>: the <c>rpm_internal</c> class (idle, suspend, resume,
/// usage) records <see cref="Flags"/> through <see cref="ChildCount"/>; <c>rpm_return_int</c> records
/// <see cref="Function"/> (the kernel's <c>ip</c>, printed with <c>%pS</c>) and <see cref="Return"/>; <c>rpm_status</c>
/// records <see cref="Status"/>. The other fields hold the device's values at the same moment, for exporters that want
/// them (a counter track of the usage count, say).</para>
/// <para><c>irq_safe</c> is not a field: the model has no IRQ-safe devices, so it is always 0.</para>
/// </remarks>
/// <param name="Point">Which tracepoint.</param>
/// <param name="Time">When, on the environment's monotonic clock.</param>
/// <param name="Device">The device (<c>dev_name(dev)</c> is its <see cref="Device.Name"/>).</param>
/// <param name="Flags">The <c>rpmflags</c> argument: RPM_ASYNC 0x1, RPM_NOWAIT 0x2, RPM_GET_PUT 0x4, RPM_AUTO 0x8.</param>
/// <param name="UsageCount"><c>usage_count</c>.</param>
/// <param name="DisableDepth"><c>disable_depth</c>.</param>
/// <param name="RuntimeAuto"><c>runtime_auto</c> (power/control is "auto").</param>
/// <param name="RequestPending"><c>request_pending</c>.</param>
/// <param name="ChildCount"><c>child_count</c>.</param>
/// <param name="Function">For <c>rpm_return_int</c>: the returning function (<c>rpm_idle</c>, <c>rpm_suspend</c>, <c>rpm_resume</c>); otherwise <see langword="null"/>.</param>
/// <param name="Return">For <c>rpm_return_int</c>: the result.</param>
/// <param name="Status">For <c>rpm_status</c>: the new status; otherwise the status at the tracepoint.</param>
/// <param name="ThreadId">The managed thread that hit the tracepoint (ftrace's pid column).</param>
/// <param name="InPmWork">Hit from a PM workqueue item (ftrace shows a <c>kworker</c> task).</param>
/// <param name="UnderPowerLock">Hit with the device's power lock held (the kernel holds it with interrupts off: ftrace's <c>d..1.</c>).</param>
public readonly record struct RpmTraceEvent(
    RpmTracepoint Point,
    TimeSpan Time,
    Device Device,
    int Flags,
    int UsageCount,
    int DisableDepth,
    bool RuntimeAuto,
    bool RequestPending,
    int ChildCount,
    string? Function,
    int Return,
    RpmStatus Status,
    int ThreadId,
    bool InPmWork,
    bool UnderPowerLock)
{
    /// <summary>The tracepoint's name as ftrace prints it (<c>rpm_resume</c>, <c>rpm_return_int</c>, ...).</summary>
    public string Name => RpmTraceFormat.EventName(Point);
}
