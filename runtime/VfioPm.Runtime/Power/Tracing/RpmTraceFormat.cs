using System;
using System.Globalization;

namespace VfioPm.Runtime.Power;

/// <summary>
/// The text ftrace prints for the <c>rpm</c> events: each event's <c>TP_printk</c> and the context columns in front of it
/// (<c>trace_print_context()</c>), so a trace of the model reads, greps and diffs like one from a machine.
/// </summary>
/// <remarks>
/// <para>The <c>TP_printk</c> formats, from <c>include/trace/events/rpm.h</c>:</para>
/// <list type="bullet">
/// <item><c>rpm_internal</c> (rpm_idle, rpm_suspend, rpm_resume, rpm_usage):
/// <c>"%s flags-%x cnt-%-2d dep-%-2d auto-%-1d p-%-1d irq-%-1d child-%d"</c>. <c>%-2d</c> pads to two columns on the
/// right, so a one-digit count is followed by two spaces: <c>cnt-1  dep-0  auto-1 p-0 irq-0 child-0</c>.</item>
/// <item><c>rpm_return_int</c>: <c>"%pS:%s ret=%d"</c>. The kernel's <c>%pS</c> prints <c>symbol+offset/size</c> of the
/// return site, which differs per build; the model has no instruction addresses and prints the symbol alone
/// (<c>rpm_resume:0000:01:00.0 ret=0</c>). To diff against a machine's trace, strip the offsets there:
/// <c>sed -E 's/\+0x[0-9a-f]+\/0x[0-9a-f]+:/:/'</c>.</item>
/// <item><c>rpm_status</c>: <c>"%s status=%s"</c> with <c>RPM_ACTIVE</c>, <c>RPM_RESUMING</c>, <c>RPM_SUSPENDED</c>,
/// <c>RPM_SUSPENDING</c>.</item>
/// </list>
/// <para>The context is <c>"%16s-%-7d [%03d] %s %5llu.%06lu: "</c>: task and pid, CPU, the irq/preempt column
/// (<c>d..1.</c> under the power lock, which the kernel holds with interrupts off; <c>.....</c> outside it) and the
/// timestamp in seconds. The model has no CPUs, so the CPU column is always <c>000</c>.</para>
/// </remarks>
public static class RpmTraceFormat
{
    /// <summary>The event's name: <c>rpm_idle</c>, <c>rpm_suspend</c>, <c>rpm_resume</c>, <c>rpm_usage</c>, <c>rpm_return_int</c> or <c>rpm_status</c>.</summary>
    public static string EventName(RpmTracepoint point) => point switch
    {
        RpmTracepoint.Idle => "rpm_idle",
        RpmTracepoint.Suspend => "rpm_suspend",
        RpmTracepoint.Resume => "rpm_resume",
        RpmTracepoint.Usage => "rpm_usage",
        RpmTracepoint.ReturnInt => "rpm_return_int",
        RpmTracepoint.Status => "rpm_status",
        _ => throw new ArgumentOutOfRangeException(nameof(point), point, null),
    };

    /// <summary>The kernel's name for a runtime status (<c>RPM_STATUS_STRINGS</c>).</summary>
    public static string StatusName(RpmStatus status) => status switch
    {
        RpmStatus.Active => "RPM_ACTIVE",
        RpmStatus.Resuming => "RPM_RESUMING",
        RpmStatus.Suspended => "RPM_SUSPENDED",
        RpmStatus.Suspending => "RPM_SUSPENDING",
        _ => "RPM_INVALID",
    };

    /// <summary>What the event's <c>TP_printk</c> prints (the part after <c>"rpm_resume: "</c>).</summary>
    public static string Fields(in RpmTraceEvent e) => e.Point switch
    {
        RpmTracepoint.ReturnInt => string.Create(CultureInfo.InvariantCulture, $"{e.Function}:{e.Device.Name} ret={e.Return}"),
        RpmTracepoint.Status => $"{e.Device.Name} status={StatusName(e.Status)}",
        _ => string.Create(
            CultureInfo.InvariantCulture,
            $"{e.Device.Name} flags-{e.Flags:x} cnt-{e.UsageCount,-2} dep-{e.DisableDepth,-2} auto-{(e.RuntimeAuto ? 1 : 0),-1} p-{(e.RequestPending ? 1 : 0),-1} irq-{0,-1} child-{e.ChildCount}"),
    };

    /// <summary>
    /// One line of ftrace's <c>trace</c> file for <paramref name="e"/>, without the newline:
    /// <c>"             vmm-1       [000] d..1.     0.300000: rpm_resume: 0000:01:00.0 flags-4 cnt-1  dep-0  auto-1 p-0 irq-0 child-0"</c>.
    /// </summary>
    /// <param name="e">The event.</param>
    /// <param name="task">The task name (<c>comm</c>, at most 15 characters are printed) for events outside PM work; work items print as <c>kworker/0:1</c>.</param>
    public static string Line(in RpmTraceEvent e, string task)
    {
        var comm = e.InPmWork ? "kworker/0:1" : task;
        if (comm.Length > 15)
        {
            comm = comm[..15];
        }

        var ticks = e.Time.Ticks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var micros = ticks % TimeSpan.TicksPerSecond / 10;
        var irq = e.UnderPowerLock ? "d..1." : ".....";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{comm,16}-{e.ThreadId,-7} [000] {irq} {seconds,5}.{micros:D6}: {EventName(e.Point)}: {Fields(e)}");
    }

    /// <summary>This process's name, the default task name of the events outside PM work.</summary>
    public static string ProcessTask()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.ProcessName;
    }

    /// <summary>The header of ftrace's <c>trace</c> file with the <c>nop</c> tracer and <c>irq-info</c> on (lines starting with <c>#</c>).</summary>
    public static string Header { get; } = string.Join(
        '\n',
        "# tracer: nop",
        "#",
        "#                                _-----=> irqs-off/BH-disabled",
        "#                               / _----=> need-resched",
        "#                              | / _---=> hardirq/softirq",
        "#                              || / _--=> preempt-depth",
        "#                              ||| / _-=> migrate-disable",
        "#                              |||| /     delay",
        "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
        "#              | |         |   |||||     |         |");
}
