using System;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

/// <summary>How time and asynchronous PM work advance: real threads and clock, or a manual clock pumped by the replay.</summary>
public interface IPace
{
    /// <summary>
    /// True on real threads; false in a single-threaded replay, where an operation must not start threads of its own
    /// (the paired workloads then run their two halves one after the other, so a replay gives the same outcomes).
    /// </summary>
    bool Concurrent { get; }

    /// <summary>Called after every operation (a replay runs the PM work it queued).</summary>
    void AfterOperation(StressMachine machine);

    /// <summary>Lets some time pass; <paramref name="ticks"/> 0 only yields.</summary>
    void Pause(StressMachine machine, int ticks);

    /// <summary>Waits until queued PM work and timers have run and the devices stopped changing state.</summary>
    /// <returns>False if that did not happen within <paramref name="timeout"/>.</returns>
    bool Quiesce(StressMachine machine, TimeSpan timeout);
}
