namespace VfioPm.Runtime.Power;

/// <summary>
/// Receives the runtime-PM tracepoints of every device in a <see cref="PmEnvironment"/>
/// (<see cref="PmEnvironment.AttachTraceSink"/>).
/// </summary>
/// <remarks>
/// Called like a tracepoint probe: on the thread that hit it, often with that device's power lock held (see
/// <see cref="RpmTraceEvent.UnderPowerLock"/>), from many threads at once. An implementation must be thread-safe and
/// quick, must not block on anything a runtime-PM caller may hold, and must not call runtime-PM functions. Exceptions
/// are not caught.
/// </remarks>
public interface IRpmTraceSink
{
    /// <summary>Records one event.</summary>
    void Write(in RpmTraceEvent traceEvent);
}
