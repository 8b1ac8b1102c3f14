using System;
using System.Collections.Generic;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.TestKit;

/// <summary>
/// A deterministic runtime-PM world for tests: a manual clock, a manual work queue, a transition log and a warning log.
/// Nothing asynchronous happens until the test calls <see cref="RunWork"/> or <see cref="Advance"/>.
/// </summary>
public sealed class PmTestBed
{
    public PmTestBed()
    {
        Clock = new ManualTimeProvider();
        Queue = new ManualPmWorkQueue();
        Environment = new PmEnvironment(Clock, Queue);
        Environment.Transition += t => { lock (Transitions) { Transitions.Add(t); } };
        Environment.Warning += (d, m) => { lock (Warnings) { Warnings.Add($"{d.Name}: {m}"); } };
    }

    public ManualTimeProvider Clock { get; }

    public ManualPmWorkQueue Queue { get; }

    public PmEnvironment Environment { get; }

    public List<RpmTransition> Transitions { get; } = new();

    public List<string> Warnings { get; } = new();

    /// <summary>A device with recording callbacks, optionally enabled (runtime PM starts disabled, as in the kernel).</summary>
    public (Device Device, RecordingCallbacks Callbacks) Create(string name, Device? parent = null, bool enable = false, bool active = false)
    {
        var device = new Device(name, parent, Environment);
        var callbacks = new RecordingCallbacks();
        device.Subsystem = callbacks;
        if (active)
        {
            Assert.Equal(0, device.Power.SetActive());
        }

        if (enable)
        {
            device.Power.Enable();
        }

        return (device, callbacks);
    }

    /// <summary>Runs queued PM work until none is left.</summary>
    public int RunWork() => Queue.RunUntilIdle();

    /// <summary>Moves the clock (firing timers), then runs the work they queued.</summary>
    public void Advance(TimeSpan delta)
    {
        Clock.Advance(delta);
        RunWork();
    }
}
