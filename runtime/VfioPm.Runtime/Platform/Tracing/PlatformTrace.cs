using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Platform;

/// <summary>
/// A recording of a <see cref="SimulatedPlatform"/> from <see cref="SimulatedPlatform.StartTrace"/> until
/// <see cref="Dispose"/>: every <c>rpm</c> tracepoint of its devices, every PCI power-state change, and every other
/// timeline entry (platform power, host actions, ioctls and wake-ups marked by the VMM, faults, notes), in order. It
/// writes the recording as ftrace text (<see cref="WriteFtrace"/>), Chrome/Perfetto trace JSON
/// (<see cref="WritePerfetto"/>) and a drawn SVG timeline (<see cref="WriteSvg"/>).
/// </summary>
/// <remarks>
/// Records arrive from any thread, the tracepoints under their device's power lock; the trace's own lock is a leaf
/// taken for the append only. The recording is unbounded: for long runs, stream ftrace instead
/// (<see cref="PmEnvironment.AttachTraceSink"/> with an <see cref="RpmFtraceWriter"/>).
/// </remarks>
public sealed class PlatformTrace : IRpmTraceSink, IDisposable
{
    // Guards everything below; never held while calling out.
    private readonly object _gate = new();
    private readonly List<PlatformTraceRecord> _records = new();
    private readonly List<PlatformTraceDevice> _devices = new();
    private readonly HashSet<string> _deviceNames = new(StringComparer.Ordinal);
    private TimeSpan _end;
    private bool _stopped;

    private readonly SimulatedPlatform _platform;
    private IDisposable? _attachment;

    internal PlatformTrace(SimulatedPlatform platform, TimeSpan start, IEnumerable<Device> devices)
    {
        _platform = platform;
        Start = start;
        _end = start;
        foreach (var device in devices)
        {
            AddDevice(device);
        }

        _attachment = platform.Environment.AttachTraceSink(this);
    }

    /// <summary>When the recording started, on the platform clock.</summary>
    public TimeSpan Start { get; }

    /// <summary>When the recording ended (or the last record so far, while it runs).</summary>
    public TimeSpan End
    {
        get
        {
            lock (_gate)
            {
                return _stopped ? _end : Max(_end, _platform.Environment.Now);
            }
        }
    }

    /// <summary>Records so far, in the order they happened.</summary>
    public IReadOnlyList<PlatformTraceRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return _records.ToArray();
            }
        }
    }

    /// <summary>The devices seen: the platform's functions at the start (in the order added), then any that appeared later.</summary>
    public IReadOnlyList<PlatformTraceDevice> Devices
    {
        get
        {
            lock (_gate)
            {
                return _devices.ToArray();
            }
        }
    }

    /// <summary>How many records so far (for progress lines).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>Stops recording; what was recorded stays readable and writable.</summary>
    public void Dispose()
    {
        var attachment = _attachment;
        _attachment = null;
        attachment?.Dispose();
        _platform.StopTrace(this);
        lock (_gate)
        {
            if (!_stopped)
            {
                _end = Max(_end, _platform.Environment.Now);
                _stopped = true;
            }
        }
    }

    /// <inheritdoc/>
    void IRpmTraceSink.Write(in RpmTraceEvent traceEvent)
    {
        var record = new PlatformTraceRecord(traceEvent.Time, TimelineKind.RuntimePm, traceEvent.Device.Name, $"{traceEvent.Name}: {RpmTraceFormat.Fields(traceEvent)}", traceEvent);
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (_deviceNames.Add(traceEvent.Device.Name))
            {
                // First seen in a tracepoint (a VF, a device outside the platform): its PCI state is not read here,
                // under its power lock, because reading it takes the function's hardware lock.
                _devices.Add(PlatformTraceDevice.At(traceEvent));
            }

            AppendLocked(record);
        }
    }

    /// <summary>Writes the <c>rpm</c> events as ftrace's <c>trace</c> file (header, then one line per event).</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="task">The task name for events outside PM work (default: this process's name).</param>
    public void WriteFtrace(TextWriter output, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        task ??= RpmTraceFormat.ProcessTask();
        output.WriteLine(RpmTraceFormat.Header);
        foreach (var record in Records)
        {
            if (record.Rpm is { } e)
            {
                output.WriteLine(RpmTraceFormat.Line(e, task));
            }
        }
    }

    /// <summary>Writes the recording in the Trace Event Format (JSON) that ui.perfetto.dev and chrome://tracing open.</summary>
    public void WritePerfetto(Stream output) => PerfettoTraceWriter.Write(this, output);

    /// <summary>Draws the recording as an SVG timeline: a lane per device with its D-state, usage count, and markers.</summary>
    public void WriteSvg(TextWriter output, TimelineSvgOptions? options = null) => TimelineSvgWriter.Write(this, output, options ?? new TimelineSvgOptions());

    // A PCI power-state change of a platform function.
    internal void OnPciState(PciDevice device, PciPowerState from, PciPowerState to, TimeSpan time) =>
        Append(new PlatformTraceRecord(time, TimelineKind.PciState, device.Name, $"{from} → {to}", null, from, to));

    // Any other timeline entry. Runtime-PM status changes are skipped: the rpm_status tracepoint records them.
    internal void OnTimeline(in TimelineEntry entry)
    {
        if (entry.Kind is TimelineKind.RuntimePm or TimelineKind.PciState)
        {
            return;
        }

        Append(new PlatformTraceRecord(entry.Time, entry.Kind, entry.Device, entry.Detail));
    }

    // A function added to the platform while recording. Its state is read before the trace's lock is taken.
    internal void OnDeviceAdded(Device device) => AddDevice(device);

    private void Append(in PlatformTraceRecord record)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                AppendLocked(record);
            }
        }
    }

    private void AppendLocked(in PlatformTraceRecord record)
    {
        _records.Add(record);
        _end = Max(_end, record.Time);
    }

    // Reads the device's state (taking its locks) with no lock of the trace held, then records it if new.
    private void AddDevice(Device device)
    {
        var seen = PlatformTraceDevice.Of(device);
        lock (_gate)
        {
            if (!_stopped && _deviceNames.Add(device.Name))
            {
                _devices.Add(seen);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    internal IReadOnlyList<PlatformTraceRecord> Snapshot(out IReadOnlyList<PlatformTraceDevice> devices, out TimeSpan end)
    {
        lock (_gate)
        {
            devices = _devices.ToArray();
            end = _stopped ? _end : Max(_end, _platform.Environment.Now);
            return _records.ToArray();
        }
    }
}
