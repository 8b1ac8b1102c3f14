using System;
using System.Collections.Generic;
using System.Linq;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Platform;

// What the SVG timeline draws, derived from a trace: per device the D-state intervals, the usage and child counts as
// steps, and the marks (ioctls, wake-ups, host actions, platform power, faults); the notes as phases.
internal sealed class TimelineModel
{
    private TimelineModel(TimeSpan start, TimeSpan end, List<TimelineLane> lanes, List<(TimeSpan Time, string Text)> notes)
    {
        Start = start;
        End = end > start ? end : start + TimeSpan.FromMilliseconds(1);
        Lanes = lanes;
        Notes = notes;
        MaxCount = Math.Max(2, lanes.SelectMany(l => l.Counts).Select(c => Math.Max(c.Usage, c.Children)).DefaultIfEmpty(0).Max());
    }

    public TimeSpan Start { get; }

    public TimeSpan End { get; }

    public List<TimelineLane> Lanes { get; }

    public List<(TimeSpan Time, string Text)> Notes { get; }

    /// <summary>The top of the count plots' scale, shared by every lane so their heights compare.</summary>
    public int MaxCount { get; }

    public static TimelineModel Build(PlatformTrace trace)
    {
        var records = trace.Snapshot(out var devices, out var end);
        var lanes = Order(devices).Select(d => new TimelineLane(d.Device, d.Depth, trace.Start)).ToList();
        var byName = lanes.ToDictionary(l => l.Device.Name, StringComparer.Ordinal);
        var notes = new List<(TimeSpan, string)>();
        foreach (var record in records)
        {
            if (record.Kind == TimelineKind.Note)
            {
                notes.Add((record.Time, record.Detail));
            }
            else if (byName.TryGetValue(record.Device, out var lane))
            {
                lane.Add(record);
            }
        }

        foreach (var lane in lanes)
        {
            lane.Close(end);
        }

        return new TimelineModel(trace.Start, end, lanes, notes);
    }

    // Parents before children, depth first, otherwise in the order the trace met them.
    private static List<(PlatformTraceDevice Device, int Depth)> Order(IReadOnlyList<PlatformTraceDevice> devices)
    {
        var names = new HashSet<string>(devices.Select(d => d.Name), StringComparer.Ordinal);
        var ordered = new List<(PlatformTraceDevice, int)>();
        void Visit(PlatformTraceDevice device, int depth)
        {
            ordered.Add((device, depth));
            foreach (var child in devices.Where(d => d.Parent == device.Name))
            {
                Visit(child, depth + 1);
            }
        }

        foreach (var root in devices.Where(d => d.Parent is null || !names.Contains(d.Parent)))
        {
            Visit(root, 0);
        }

        return ordered;
    }
}

// One device's lane.
internal sealed class TimelineLane
{
    private PciPowerState _state;
    private TimeSpan _since;

    public TimelineLane(PlatformTraceDevice device, int depth, TimeSpan start)
    {
        Device = device;
        Depth = depth;
        _state = device.State;
        _since = start;
        Counts.Add((start, device.UsageCount, device.ChildCount));
    }

    public PlatformTraceDevice Device { get; }

    public int Depth { get; }

    public List<(TimeSpan From, TimeSpan To, PciPowerState State)> States { get; } = new();

    public List<(TimeSpan Time, int Usage, int Children)> Counts { get; } = new();

    public List<(TimeSpan Time, TimelineKind Kind, string Detail)> Marks { get; } = new();

    public void Add(in PlatformTraceRecord record)
    {
        switch (record.Kind)
        {
            case TimelineKind.PciState:
                // A function first met in a tracepoint had no known state: the first change says what it was. A state
                // held for no time on the platform clock (a resume and suspend in one step) is kept: it is drawn as a sliver.
                var before = _state == PciPowerState.Unknown ? record.From : _state;
                if (before != PciPowerState.Unknown && (record.Time > _since || States.Count > 0))
                {
                    States.Add((_since, record.Time, before));
                }

                _state = record.To;
                _since = record.Time;
                break;
            case TimelineKind.RuntimePm when record.Rpm is { } e:
                var last = Counts[^1];
                if (e.UsageCount != last.Usage || e.ChildCount != last.Children)
                {
                    Counts.Add((e.Time < last.Time ? last.Time : e.Time, e.UsageCount, e.ChildCount));
                }

                break;
            case TimelineKind.RuntimePm:
                break;
            default:
                Marks.Add((record.Time, record.Kind, record.Detail));
                break;
        }
    }

    public void Close(TimeSpan end)
    {
        if (end > _since && _state != PciPowerState.Unknown)
        {
            States.Add((_since, end, _state));
        }
    }
}
