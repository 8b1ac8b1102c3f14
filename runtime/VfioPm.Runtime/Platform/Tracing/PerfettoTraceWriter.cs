using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Platform;

/// <summary>
/// Writes a <see cref="PlatformTrace"/> in the Trace Event Format (the JSON that chrome://tracing and ui.perfetto.dev
/// open): one process per device, holding its PCI power state and its runtime-PM status as slices, its usage and child
/// counts as counter tracks, the <c>rpm</c> tracepoints as instant events with their fields, and ioctls, wake-ups, host
/// actions and platform power as instant events; the scenario's notes are global instants.
/// </summary>
/// <remarks>
/// Timestamps are microseconds on the platform clock (the same clock as the ftrace text). On each track they never go
/// backwards (records from racing threads are clamped to the track's last timestamp) and every begin has its end.
/// </remarks>
public static class PerfettoTraceWriter
{
    private const int StateTrack = 1;
    private const int StatusTrack = 2;
    private const int TracepointTrack = 3;
    private const int EventTrack = 4;

    /// <summary>Writes <paramref name="trace"/> to <paramref name="output"/> as UTF-8 JSON.</summary>
    public static void Write(PlatformTrace trace, Stream output)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(output);
        var records = trace.Snapshot(out var devices, out var end);
        using var json = new Utf8JsonWriter(output);
        var writer = new Writer(json);
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartObject("otherData");
        json.WriteString("producer", "VfioPm simulated platform");
        json.WriteString("clock", "platform monotonic clock (µs since the platform was created)");
        json.WriteEndObject();
        json.WriteStartArray("traceEvents");

        var lanes = new Dictionary<string, Lane>(StringComparer.Ordinal);
        writer.Metadata("process_name", 0, 0, "name", "scenario");
        writer.Metadata("process_sort_index", 0, 0, "sort_index", 0);
        for (var i = 0; i < devices.Count; i++)
        {
            var device = devices[i];
            var lane = new Lane(i + 1, device);
            lanes.Add(device.Name, lane);
            writer.Metadata("process_name", lane.Pid, 0, "name", $"{device.Name} {device.Role}");
            writer.Metadata("process_sort_index", lane.Pid, 0, "sort_index", i + 1);
            writer.Metadata("thread_name", lane.Pid, StateTrack, "name", "PCI power state");
            writer.Metadata("thread_name", lane.Pid, StatusTrack, "name", "runtime PM status");
            writer.Metadata("thread_name", lane.Pid, TracepointTrack, "name", "rpm tracepoints");
            writer.Metadata("thread_name", lane.Pid, EventTrack, "name", "ioctls, wake-ups, host, platform");
            lane.Begin(writer, trace.Start);
        }

        var notes = new Clamp();
        foreach (var record in records)
        {
            if (record.Kind == TimelineKind.Note)
            {
                writer.Instant(record.Detail, "note", 0, 0, notes.At(record.Time), "g", null);
                continue;
            }

            if (!lanes.TryGetValue(record.Device, out var lane))
            {
                continue; // an entry for a device the trace never listed (none today): nothing to attach it to
            }

            switch (record.Kind)
            {
                case TimelineKind.RuntimePm when record.Rpm is { } e:
                    lane.Tracepoint(writer, e);
                    break;
                case TimelineKind.PciState:
                    lane.State(writer, record.Time, record.To);
                    break;
                default:
                    lane.Event(writer, record);
                    break;
            }
        }

        foreach (var lane in lanes.Values)
        {
            lane.Finish(writer, end);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string StateName(PciPowerState state) => state.ToString();

    private static string Category(TimelineKind kind) => kind switch
    {
        TimelineKind.Ioctl => "ioctl",
        TimelineKind.Wakeup => "wakeup",
        TimelineKind.Host => "host",
        TimelineKind.PlatformPower => "platform",
        TimelineKind.Fault => "fault",
        TimelineKind.FatalAccess => "fatal",
        _ => "other",
    };

    // Timestamps of one track: never before the track's previous one.
    private sealed class Clamp
    {
        private double _last = double.MinValue;

        public double At(TimeSpan time)
        {
            _last = Math.Max(_last, time.Ticks / 10.0);
            return _last;
        }
    }

    // One device: its open slices, its last counter values, a clamp per track.
    private sealed class Lane(int pid, PlatformTraceDevice device)
    {
        private readonly Clamp _stateClock = new();
        private readonly Clamp _statusClock = new();
        private readonly Clamp _tracepointClock = new();
        private readonly Clamp _eventClock = new();
        private readonly Clamp _usageClock = new();
        private readonly Clamp _childClock = new();
        private PciPowerState _state = device.State;
        private bool _stateOpen;
        private RpmStatus _status = device.Status;
        private int _usage = device.UsageCount;
        private int _children = device.ChildCount;

        public int Pid { get; } = pid;

        public void Begin(Writer w, TimeSpan start)
        {
            if (_state != PciPowerState.Unknown)
            {
                w.Slice('B', StateName(_state), "pci", Pid, StateTrack, _stateClock.At(start));
                _stateOpen = true;
            }

            w.Slice('B', RpmTraceFormat.StatusName(_status), "rpm", Pid, StatusTrack, _statusClock.At(start));
            w.Counter("usage_count", Pid, _usageClock.At(start), _usage);
            w.Counter("child_count", Pid, _childClock.At(start), _children);
        }

        public void State(Writer w, TimeSpan time, PciPowerState to)
        {
            var ts = _stateClock.At(time);
            if (_stateOpen)
            {
                w.Slice('E', StateName(_state), "pci", Pid, StateTrack, ts);
            }

            // Unknown: the function left the bus (or was never powered); no slice until it has a state again.
            _state = to;
            _stateOpen = to != PciPowerState.Unknown;
            if (_stateOpen)
            {
                w.Slice('B', StateName(to), "pci", Pid, StateTrack, ts);
            }
        }

        public void Tracepoint(Writer w, in RpmTraceEvent e)
        {
            w.Instant(e.Name, "rpm", Pid, TracepointTrack, _tracepointClock.At(e.Time), "t", RpmTraceFormat.Fields(e));
            if (e.Point == RpmTracepoint.Status && e.Status != _status)
            {
                var ts = _statusClock.At(e.Time);
                w.Slice('E', RpmTraceFormat.StatusName(_status), "rpm", Pid, StatusTrack, ts);
                _status = e.Status;
                w.Slice('B', RpmTraceFormat.StatusName(_status), "rpm", Pid, StatusTrack, ts);
            }

            if (e.UsageCount != _usage)
            {
                _usage = e.UsageCount;
                w.Counter("usage_count", Pid, _usageClock.At(e.Time), _usage);
            }

            if (e.ChildCount != _children)
            {
                _children = e.ChildCount;
                w.Counter("child_count", Pid, _childClock.At(e.Time), _children);
            }
        }

        public void Event(Writer w, in PlatformTraceRecord record) =>
            w.Instant(record.Detail, Category(record.Kind), Pid, EventTrack, _eventClock.At(record.Time), "t", null);

        public void Finish(Writer w, TimeSpan end)
        {
            if (_stateOpen)
            {
                w.Slice('E', StateName(_state), "pci", Pid, StateTrack, _stateClock.At(end));
            }

            w.Slice('E', RpmTraceFormat.StatusName(_status), "rpm", Pid, StatusTrack, _statusClock.At(end));
        }
    }

    private sealed class Writer(Utf8JsonWriter json)
    {
        public void Metadata(string name, int pid, int tid, string argName, string value)
        {
            Head(name, "M", pid, tid);
            json.WriteStartObject("args");
            json.WriteString(argName, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        public void Metadata(string name, int pid, int tid, string argName, int value)
        {
            Head(name, "M", pid, tid);
            json.WriteStartObject("args");
            json.WriteNumber(argName, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        public void Slice(char phase, string name, string category, int pid, int tid, double ts)
        {
            Head(name, phase == 'B' ? "B" : "E", pid, tid);
            json.WriteString("cat", category);
            json.WriteNumber("ts", ts);
            json.WriteEndObject();
        }

        public void Instant(string name, string category, int pid, int tid, double ts, string scope, string? fields)
        {
            Head(name, "i", pid, tid);
            json.WriteString("cat", category);
            json.WriteNumber("ts", ts);
            json.WriteString("s", scope);
            if (fields is not null)
            {
                json.WriteStartObject("args");
                json.WriteString("fields", fields);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        public void Counter(string name, int pid, double ts, int value)
        {
            Head(name, "C", pid, 0);
            json.WriteNumber("ts", ts);
            json.WriteStartObject("args");
            json.WriteNumber("value", value);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        private void Head(string name, string phase, int pid, int tid)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("ph", phase);
            json.WriteNumber("pid", pid);
            json.WriteNumber("tid", tid);
        }
    }
}
