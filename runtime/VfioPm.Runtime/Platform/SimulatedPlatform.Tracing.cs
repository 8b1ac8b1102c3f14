using System;
using System.Collections.Immutable;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Platform;

// Recording the platform for people to look at: PlatformTrace (ftrace text, Perfetto JSON, an SVG timeline), and the
// marks a VMM adds for what only it sees (its ioctls, the wake-ups it receives).
public sealed partial class SimulatedPlatform
{
    // The recordings in progress. Replaced whole under _tracesGate; read without it on every timeline entry.
    private ImmutableArray<PlatformTrace> _traces = ImmutableArray<PlatformTrace>.Empty;
    private readonly object _tracesGate = new();

    /// <summary>
    /// Starts recording everything that happens on this platform until the returned trace is disposed: the runtime-PM
    /// tracepoints of every device, PCI power-state changes, platform power, host actions, marks and notes.
    /// </summary>
    /// <remarks>
    /// While a recording runs, gets on Active devices take the power lock (see <see cref="PmEnvironment.AttachTraceSink"/>).
    /// </remarks>
    public PlatformTrace StartTrace()
    {
        var trace = new PlatformTrace(this, Environment.Now, Devices);
        lock (_tracesGate)
        {
            _traces = _traces.Add(trace);
        }

        return trace;
    }

    /// <summary>
    /// Adds an entry to the timeline (and to recordings in progress) for something only the program driving the platform
    /// sees: an ioctl it issued (<see cref="TimelineKind.Ioctl"/>), a wake-up it received (<see cref="TimelineKind.Wakeup"/>),
    /// a host action, a note.
    /// </summary>
    /// <param name="kind">What kind of entry.</param>
    /// <param name="device">The device concerned, or <see langword="null"/>.</param>
    /// <param name="detail">A short readable description ("VFIO_DEVICE_FEATURE LOW_POWER_EXIT = 0").</param>
    public void Mark(TimelineKind kind, Device? device, string detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        Record(kind, device?.Name ?? string.Empty, detail);
    }

    internal void StopTrace(PlatformTrace trace)
    {
        lock (_tracesGate)
        {
            _traces = _traces.Remove(trace);
        }
    }

    private void OnPowerStateChanged(PciDevice device, PciPowerState from, PciPowerState to)
    {
        Record(TimelineKind.PciState, device.Name, $"{from} → {to}");
        var traces = _traces;
        if (!traces.IsEmpty)
        {
            var now = Environment.Now;
            foreach (var trace in traces)
            {
                trace.OnPciState(device, from, to, now);
            }
        }
    }

    // A VF enabled on one of the platform's PFs: not one of the platform's functions (its timeline leaves VFs out), but
    // recordings follow its PCI power state so that it gets a lane like any function.
    private void OnVirtualFunctionAdded(PciDevice vf)
    {
        vf.PowerStateChanged += OnVirtualFunctionStateChanged;
        TraceDeviceAdded(vf);
    }

    private void OnVirtualFunctionStateChanged(PciDevice vf, PciPowerState from, PciPowerState to)
    {
        var traces = _traces;
        if (!traces.IsEmpty)
        {
            var now = Environment.Now;
            foreach (var trace in traces)
            {
                trace.OnPciState(vf, from, to, now);
            }
        }
    }

    private void TraceTimeline(in TimelineEntry entry)
    {
        foreach (var trace in _traces)
        {
            trace.OnTimeline(entry);
        }
    }

    private void TraceDeviceAdded(PciDevice device)
    {
        foreach (var trace in _traces)
        {
            trace.OnDeviceAdded(device);
        }
    }
}
