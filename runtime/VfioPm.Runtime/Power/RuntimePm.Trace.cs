using System.Runtime.CompilerServices;
using System.Threading;

namespace VfioPm.Runtime.Power;

// The rpm tracepoints (include/trace/events/rpm.h), hit where runtime.c hits them: rpm_idle/rpm_suspend/rpm_resume on
// entry and rpm_return_int on every exit of those three functions, rpm_status in __update_runtime_status(), rpm_usage
// where a usage-count change stops short of the state machine. Each helper tests one field and builds the event out
// of line, so with no sink attached a tracepoint costs a load and a predicted branch. Fields are read as
// TP_fast_assign reads them: atomics with atomic_read, the rest as they stand (under the power lock where the
// caller holds it, racy otherwise, like the kernel's rpm_usage in __pm_runtime_idle()).
public sealed partial class RuntimePm
{
    private const string RpmIdleSymbol = "rpm_idle";

    // True while the environment has a trace sink: the tracepoints' static key, on the device itself so the put fast
    // path tests a field it already has in cache. Written under the power lock (SetTraced); read without it. While
    // true the fast-path gate stays shut (RefreshFastGate), so every get takes the locked, traced path.
    private bool _traced;
    private const string RpmSuspendSymbol = "rpm_suspend";
    private const string RpmResumeSymbol = "rpm_resume";

    // trace_rpm_idle/trace_rpm_suspend/trace_rpm_resume/trace_rpm_usage (the rpm_internal class).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void TraceInternal(RpmTracepoint point, RpmFlags flags, bool underLock = true)
    {
        if (Volatile.Read(ref _traced) && _env.Tracing is { } sinks)
        {
            EmitInternal(sinks, point, flags, underLock);
        }
    }

    // trace_rpm_return_int(dev, _THIS_IP_, retval): the returning function stands for _THIS_IP_. Caller holds the power lock.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void TraceReturn(string function, int retval)
    {
        if (_traced && _env.Tracing is { } sinks)
        {
            EmitReturn(sinks, function, retval);
        }
    }

    // trace_rpm_status(dev, status), before the status is stored. Caller holds the power lock.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void TraceStatus(RpmStatus status)
    {
        if (_traced && _env.Tracing is { } sinks)
        {
            EmitStatus(sinks, status);
        }
    }

    // Switches this device's tracepoints on or off (PmEnvironment.AttachTraceSink and its handle's Dispose). Switching
    // on shuts the fast-path gate under the lock, so no get that starts after this returns skips the tracepoints;
    // switching off lets the next locked operation reopen it. Takes the power lock.
    internal void SetTraced(bool traced)
    {
        lock (_lock)
        {
            Volatile.Write(ref _traced, traced);
            if (traced)
            {
                CloseFastGate();
            }
        }
    }

    // trace_rpm_usage() from __pm_runtime_idle()/__pm_runtime_suspend(): a put that leaves the device in use; returns
    // that put's result (0), so the put tail-calls it with nothing live across the call. Lock-free.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int TraceStillInUse(RpmFlags flags)
    {
        TraceInternal(RpmTracepoint.Usage, flags, underLock: false);
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmitInternal(PmEnvironment.TraceSinks sinks, RpmTracepoint point, RpmFlags flags, bool underLock) =>
        sinks.Write(Event(point, (int)flags, null, 0, _status, underLock));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmitReturn(PmEnvironment.TraceSinks sinks, string function, int retval) =>
        sinks.Write(Event(RpmTracepoint.ReturnInt, 0, function, retval, _status, underLock: true));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmitStatus(PmEnvironment.TraceSinks sinks, RpmStatus status) =>
        sinks.Write(Event(RpmTracepoint.Status, 0, null, 0, status, underLock: true));

    private RpmTraceEvent Event(RpmTracepoint point, int flags, string? function, int retval, RpmStatus status, bool underLock) => new(
        point,
        _env.Now,
        _device,
        flags,
        Volatile.Read(ref _usageCount),
        _disableDepth,
        _runtimeAuto,
        _requestPending,
        Volatile.Read(ref _childCount),
        function,
        retval,
        status,
        System.Environment.CurrentManagedThreadId,
        PmWorkQueue.InWork,
        underLock);
}
