using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Platform;

/// <summary>
/// Draws a <see cref="PlatformTrace"/> as an SVG timeline: a lane per device (parents above children) with its PCI power
/// state as a coloured band (D0 / D3hot / D3cold in distinct colours), its usage count (and child count) as step lines,
/// markers above the band for ioctls, wake-ups, host accesses, platform power and faults (each with a tooltip), the
/// scenario's notes as numbered phase lines, a time axis and a legend.
/// </summary>
public static class TimelineSvgWriter
{
    private const int Left = 230;
    private const int Right = 36;
    private const int Top = 92;
    private const int LaneHeight = 130;
    private const int MarkRow = 32;
    private const int BandTop = 42;
    private const int BandHeight = 26;
    private const int PlotTop = 76;
    private const int PlotHeight = 42;
    private const int MarkSpacing = 11;
    private const string Font = "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\"";

    /// <summary>Writes the drawing of <paramref name="trace"/> to <paramref name="output"/>.</summary>
    public static void Write(PlatformTrace trace, TextWriter output, TimelineSvgOptions options)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var model = TimelineModel.Build(trace);
        var svg = Draw(model, options);
        if (options.Html)
        {
            output.Write($"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{Escape(options.Title)}</title>\n");
            output.Write("<style>body{margin:16px;background:#fafafa;font-family:DejaVu Sans,Verdana,Arial,sans-serif}</style>\n</head>\n<body>\n");
            output.Write(svg);
            output.Write("</body>\n</html>\n");
        }
        else
        {
            output.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            output.Write(svg);
        }
    }

    private static string Draw(TimelineModel model, TimelineSvgOptions options)
    {
        var width = Math.Max(options.Width, Left + Right + 200);
        var plotWidth = width - Left - Right;
        double X(TimeSpan t) => Left + ((t - model.Start).Ticks * (double)plotWidth / (model.End - model.Start).Ticks);

        var lanesBottom = Top + (model.Lanes.Count * LaneHeight);
        var axisY = lanesBottom + 8;
        var legendY = axisY + 44;
        var notesY = legendY + 40;
        var noteRows = (model.Notes.Count + 1) / 2;
        var height = notesY + (noteRows * 18) + 16;

        var s = new StringBuilder();
        s.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" {Font} font-size=\"12\">\n"));
        s.Append(Inv($"<title>{Escape(options.Title)}</title>\n"));
        s.Append(Inv($"<rect class=\"background\" x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"));
        s.Append(Inv($"<text class=\"title\" x=\"16\" y=\"30\" font-size=\"19\" font-weight=\"bold\" fill=\"#212121\">{Escape(options.Title)}</text>\n"));
        var span = model.End - model.Start;
        s.Append(Inv($"<text class=\"subtitle\" x=\"16\" y=\"52\" fill=\"#616161\">{model.Lanes.Count} {(model.Lanes.Count == 1 ? "device" : "devices")} · {FormatTime(model.Start)} to {FormatTime(model.End)} ({FormatTime(span)}) on the platform clock · hover a marker for details</text>\n"));

        DrawGrid(s, model, X, lanesBottom);
        DrawPhases(s, model, X, lanesBottom);
        for (var i = 0; i < model.Lanes.Count; i++)
        {
            DrawLane(s, model, model.Lanes[i], Top + (i * LaneHeight), X, width);
        }

        DrawAxis(s, model, X, axisY);
        DrawLegend(s, model, legendY);
        DrawNoteList(s, model, notesY, width);
        s.Append("</svg>\n");
        return s.ToString();
    }

    private static void DrawGrid(StringBuilder s, TimelineModel model, Func<TimeSpan, double> x, int bottom)
    {
        s.Append("<g class=\"grid\" stroke=\"#eeeeee\" stroke-width=\"1\">\n");
        foreach (var tick in Ticks(model))
        {
            s.Append(Inv($"<line x1=\"{x(tick):0.#}\" y1=\"{Top - 6}\" x2=\"{x(tick):0.#}\" y2=\"{bottom}\"/>\n"));
        }

        s.Append("</g>\n");
    }

    private static void DrawPhases(StringBuilder s, TimelineModel model, Func<TimeSpan, double> x, int bottom)
    {
        if (model.Notes.Count == 0)
        {
            return;
        }

        s.Append("<g class=\"phases\">\n");
        var lastX = double.MinValue;
        for (var i = 0; i < model.Notes.Count; i++)
        {
            var (time, text) = model.Notes[i];
            var lineX = x(time);
            var badgeX = Math.Max(lineX, lastX + 20);
            lastX = badgeX;
            s.Append(Inv($"<g class=\"phase\"><title>{i + 1}. {Escape(text)} ({FormatTime(time)})</title>"));
            s.Append(Inv($"<line x1=\"{lineX:0.#}\" y1=\"{Top - 10}\" x2=\"{lineX:0.#}\" y2=\"{bottom}\" stroke=\"#9e9e9e\" stroke-width=\"1\" stroke-dasharray=\"3,3\"/>"));
            s.Append(Inv($"<circle cx=\"{badgeX:0.#}\" cy=\"{Top - 20}\" r=\"9\" fill=\"#546e7a\"/>"));
            s.Append(Inv($"<text x=\"{badgeX:0.#}\" y=\"{Top - 16}\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\" fill=\"#ffffff\">{i + 1}</text></g>\n"));
        }

        s.Append("</g>\n");
    }

    private static void DrawLane(StringBuilder s, TimelineModel model, TimelineLane lane, int y, Func<TimeSpan, double> x, int width)
    {
        var device = lane.Device;
        s.Append(Inv($"<g class=\"lane\" data-device=\"{Escape(device.Name)}\">\n"));
        s.Append(Inv($"<line class=\"separator\" x1=\"8\" y1=\"{y}\" x2=\"{width - 8}\" y2=\"{y}\" stroke=\"#bdbdbd\" stroke-width=\"1\"/>\n"));

        // Label: the device, its role, indented under its parent.
        var indent = 16 + (lane.Depth * 14);
        var prefix = lane.Depth > 0 ? "└ " : string.Empty;
        s.Append(Inv($"<text class=\"device\" x=\"{indent}\" y=\"{y + BandTop + 12}\" font-size=\"14\" font-weight=\"bold\" fill=\"#212121\">{prefix}{Escape(device.Name)}</text>\n"));
        s.Append(Inv($"<text class=\"role\" x=\"{indent + (prefix.Length > 0 ? 14 : 0)}\" y=\"{y + BandTop + 28}\" fill=\"#616161\">{Escape(device.Role)}</text>\n"));
        s.Append(Inv($"<text class=\"axis-label\" x=\"{Left - 8}\" y=\"{y + PlotTop + 4}\" text-anchor=\"end\" font-size=\"10\" fill=\"#757575\">count {model.MaxCount}</text>\n"));
        s.Append(Inv($"<text class=\"axis-label\" x=\"{Left - 8}\" y=\"{y + PlotTop + PlotHeight}\" text-anchor=\"end\" font-size=\"10\" fill=\"#757575\">0</text>\n"));

        // The D-state band.
        s.Append("<g class=\"states\">\n");
        // States held for no time on the platform clock are drawn last, as slivers over their neighbours.
        foreach (var (from, to, state) in lane.States.Where(st => st.To > st.From).Concat(lane.States.Where(st => st.To <= st.From)))
        {
            var x0 = x(from);
            var w = Math.Max(2, x(to) - x0); // a state held for a moment still shows as a sliver
            s.Append(Inv($"<rect class=\"state state-{state}\" x=\"{x0:0.##}\" y=\"{y + BandTop}\" width=\"{w:0.##}\" height=\"{BandHeight}\" fill=\"{StateColour(state)}\"><title>{state}: {FormatTime(from)} to {FormatTime(to)}</title></rect>\n"));
            if (w >= 46)
            {
                s.Append(Inv($"<text class=\"state-label\" x=\"{x0 + (w / 2):0.##}\" y=\"{y + BandTop + 17}\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\" fill=\"{StateTextColour(state)}\">{state}</text>\n"));
            }
        }

        s.Append("</g>\n");

        // The counts: a light frame, a gridline per count when few, then child count (dashed) and usage count (solid).
        var plotTop = y + PlotTop;
        double CountY(int n) => plotTop + PlotHeight - (n * (double)PlotHeight / model.MaxCount);
        s.Append(Inv($"<g class=\"counts\"><rect x=\"{Left}\" y=\"{plotTop}\" width=\"{x(model.End) - Left:0.##}\" height=\"{PlotHeight}\" fill=\"#fafafa\" stroke=\"#e0e0e0\"/>"));
        if (model.MaxCount <= 6)
        {
            for (var n = 1; n < model.MaxCount; n++)
            {
                s.Append(Inv($"<line x1=\"{Left}\" y1=\"{CountY(n):0.##}\" x2=\"{x(model.End):0.##}\" y2=\"{CountY(n):0.##}\" stroke=\"#eeeeee\"/>"));
            }
        }

        s.Append('\n');
        if (lane.Counts.Any(c => c.Children != 0))
        {
            s.Append(Inv($"<path class=\"children\" d=\"{StepPath(lane.Counts.Select(c => (c.Time, c.Children)), model.End, x, CountY)}\" fill=\"none\" stroke=\"#8d6e63\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n"));
        }

        s.Append(Inv($"<path class=\"usage\" d=\"{StepPath(lane.Counts.Select(c => (c.Time, c.Usage)), model.End, x, CountY)}\" fill=\"none\" stroke=\"#d81b60\" stroke-width=\"2\"/>\n"));
        s.Append("</g>\n");

        // Markers above the band; ones that would overlap move right by a marker's width. Ioctls, wake-ups, host
        // accesses and faults carry their short label above them, on the lower of two rows that has room.
        s.Append("<g class=\"marks\">\n");
        var lastX = double.MinValue;
        var labelEnds = new[] { double.MinValue, double.MinValue };
        var labelRows = new[] { 23, 11 };
        foreach (var (time, kind, detail) in lane.Marks.OrderBy(m => m.Time))
        {
            var mx = Math.Max(x(time), lastX + MarkSpacing);
            lastX = mx;
            s.Append(Inv($"<g class=\"mark mark-{Kind(kind)}\"><title>{FormatTime(time)} {Escape(KindLabel(kind))}: {Escape(detail)}</title>{Glyph(kind, mx, y + MarkRow)}"));
            var row = Array.FindIndex(labelEnds, end => mx - 4 > end + 6);
            if (ShortLabel(kind, detail) is { } label && row >= 0)
            {
                s.Append(Inv($"<text class=\"mark-label\" x=\"{mx - 4:0.##}\" y=\"{y + labelRows[row]}\" font-size=\"10\" fill=\"#37474f\">{Escape(label)}</text>"));
                labelEnds[row] = mx - 4 + (label.Length * 7.0); // 10 px DejaVu Sans: capitals are about 7 px wide
            }

            s.Append("</g>\n");
        }

        s.Append("</g>\n");
        s.Append("</g>\n");
    }

    private static string StepPath(IEnumerable<(TimeSpan Time, int Value)> steps, TimeSpan end, Func<TimeSpan, double> x, Func<int, double> y)
    {
        var d = new StringBuilder();
        var first = true;
        foreach (var (time, value) in steps)
        {
            d.Append(first ? Inv($"M{x(time):0.##},{y(value):0.##}") : Inv($" H{x(time):0.##} V{y(value):0.##}"));
            first = false;
        }

        d.Append(Inv($" H{x(end):0.##}"));
        return d.ToString();
    }

    private static void DrawAxis(StringBuilder s, TimelineModel model, Func<TimeSpan, double> x, int y)
    {
        s.Append("<g class=\"axis\" fill=\"#424242\">\n");
        s.Append(Inv($"<line x1=\"{Left}\" y1=\"{y}\" x2=\"{x(model.End):0.##}\" y2=\"{y}\" stroke=\"#616161\"/>\n"));
        foreach (var tick in Ticks(model))
        {
            s.Append(Inv($"<line x1=\"{x(tick):0.#}\" y1=\"{y}\" x2=\"{x(tick):0.#}\" y2=\"{y + 5}\" stroke=\"#616161\"/><text class=\"tick\" x=\"{x(tick):0.#}\" y=\"{y + 18}\" text-anchor=\"middle\" font-size=\"11\">{FormatTime(tick)}</text>\n"));
        }

        s.Append(Inv($"<text x=\"{Left - 30}\" y=\"{y + 18}\" text-anchor=\"end\" font-size=\"11\" fill=\"#757575\">time</text>\n"));
        s.Append("</g>\n");
    }

    // D0, D3hot and D3cold always, D1/D2 when they occur; every marker kind but faults, which
    // are listed when there are any.
    private static void DrawLegend(StringBuilder s, TimelineModel model, int y)
    {
        s.Append(Inv($"<g class=\"legend\" transform=\"translate(16,{y})\">\n"));
        var x = 0;
        var seen = model.Lanes.SelectMany(l => l.States).Select(st => st.State).ToHashSet();
        var states = new[] { PciPowerState.D0, PciPowerState.D1, PciPowerState.D2, PciPowerState.D3hot, PciPowerState.D3cold }
            .Where(st => st is not (PciPowerState.D1 or PciPowerState.D2) || seen.Contains(st));
        var faults = model.Lanes.Any(l => l.Marks.Any(m => m.Kind is TimelineKind.Fault or TimelineKind.FatalAccess));
        var kinds = new[] { TimelineKind.Ioctl, TimelineKind.Wakeup, TimelineKind.Host, TimelineKind.PlatformPower, TimelineKind.Fault }
            .Where(k => k != TimelineKind.Fault || faults);
        foreach (var state in states)
        {
            s.Append(Inv($"<rect x=\"{x}\" y=\"0\" width=\"16\" height=\"12\" fill=\"{StateColour(state)}\"/><text x=\"{x + 21}\" y=\"10\">{state}</text>\n"));
            x += state is PciPowerState.D1 or PciPowerState.D2 ? 50 : 74;
        }

        x += 10;
        s.Append(Inv($"<line x1=\"{x}\" y1=\"6\" x2=\"{x + 22}\" y2=\"6\" stroke=\"#d81b60\" stroke-width=\"2\"/><text x=\"{x + 27}\" y=\"10\">usage count</text>\n"));
        x += 112;
        s.Append(Inv($"<line x1=\"{x}\" y1=\"6\" x2=\"{x + 22}\" y2=\"6\" stroke=\"#8d6e63\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/><text x=\"{x + 27}\" y=\"10\">active children</text>\n"));
        x += 130;
        foreach (var kind in kinds)
        {
            s.Append(Inv($"{Glyph(kind, x + 6, 6)}<text x=\"{x + 16}\" y=\"10\">{KindLabel(kind)}</text>\n"));
            x += 16 + (KindLabel(kind).Length * 7) + 14;
        }

        s.Append("</g>\n");
    }

    private static void DrawNoteList(StringBuilder s, TimelineModel model, int y, int width)
    {
        if (model.Notes.Count == 0)
        {
            return;
        }

        s.Append(Inv($"<g class=\"notes\" font-size=\"11\" fill=\"#424242\">\n"));
        var rows = (model.Notes.Count + 1) / 2;
        var column = (width - 32) / 2;
        for (var i = 0; i < model.Notes.Count; i++)
        {
            var (time, text) = model.Notes[i];
            var cx = 16 + ((i / rows) * column);
            var cy = y + ((i % rows) * 18);
            var shown = text.Length > 92 ? string.Concat(text.AsSpan(0, 90), "…") : text;
            s.Append(Inv($"<g class=\"note\"><title>{Escape(text)}</title><circle cx=\"{cx + 8}\" cy=\"{cy - 4}\" r=\"7\" fill=\"#546e7a\"/><text x=\"{cx + 8}\" y=\"{cy}\" text-anchor=\"middle\" font-size=\"9\" font-weight=\"bold\" fill=\"#ffffff\">{i + 1}</text><text x=\"{cx + 20}\" y=\"{cy}\">{FormatTime(time)}  {Escape(shown)}</text></g>\n"));
        }

        s.Append("</g>\n");
    }

    private static string Glyph(TimelineKind kind, double x, double y) => kind switch
    {
        // ioctl: a downward triangle pointing at the device.
        TimelineKind.Ioctl => Inv($"<path d=\"M{x - 5:0.##},{y - 5:0.##} H{x + 5:0.##} L{x:0.##},{y + 5:0.##} Z\" fill=\"#1565c0\"/>"),
        // wake-up: a red circle with a white bar.
        TimelineKind.Wakeup => Inv($"<circle cx=\"{x:0.##}\" cy=\"{y:0.##}\" r=\"5.5\" fill=\"#e53935\"/><rect x=\"{x - 1:0.##}\" y=\"{y - 3.5:0.##}\" width=\"2\" height=\"7\" fill=\"#ffffff\"/>"),
        // host access: a purple diamond.
        TimelineKind.Host => Inv($"<path d=\"M{x:0.##},{y - 6:0.##} L{x + 6:0.##},{y:0.##} L{x:0.##},{y + 6:0.##} L{x - 6:0.##},{y:0.##} Z\" fill=\"#8e24aa\"/>"),
        // platform power (_ON/_OFF): a teal square.
        TimelineKind.PlatformPower => Inv($"<rect x=\"{x - 4.5:0.##}\" y=\"{y - 4.5:0.##}\" width=\"9\" height=\"9\" fill=\"#00897b\"/>"),
        // faults and fatal accesses: a red cross.
        _ => Inv($"<path d=\"M{x - 5:0.##},{y - 5:0.##} L{x + 5:0.##},{y + 5:0.##} M{x + 5:0.##},{y - 5:0.##} L{x - 5:0.##},{y + 5:0.##}\" stroke=\"#b71c1c\" stroke-width=\"2.5\"/>"),
    };

    // The label drawn over a marker: the detail up to its first ": " (so "LOW_POWER_EXIT: VFIO_DEVICE_FEATURE SET = 0"
    // shows "LOW_POWER_EXIT"); wake-ups say so; platform power is left to the legend.
    private static string? ShortLabel(TimelineKind kind, string detail)
    {
        if (kind == TimelineKind.PlatformPower)
        {
            return null;
        }

        if (kind == TimelineKind.Wakeup)
        {
            return "wake-up";
        }

        var colon = detail.IndexOf(": ", StringComparison.Ordinal);
        var label = colon > 0 ? detail[..colon] : detail;
        return label.Length > 28 ? string.Concat(label.AsSpan(0, 27), "…") : label;
    }

    private static string Kind(TimelineKind kind) => kind switch
    {
        TimelineKind.Ioctl => "ioctl",
        TimelineKind.Wakeup => "wakeup",
        TimelineKind.Host => "host",
        TimelineKind.PlatformPower => "platform",
        TimelineKind.FatalAccess => "fatal",
        _ => "fault",
    };

    private static string KindLabel(TimelineKind kind) => kind switch
    {
        TimelineKind.Ioctl => "ioctl",
        TimelineKind.Wakeup => "wake eventfd",
        TimelineKind.Host => "host access",
        TimelineKind.PlatformPower => "platform power",
        TimelineKind.FatalAccess => "FATAL access",
        _ => "fault",
    };

    private static string StateColour(PciPowerState state) => state switch
    {
        PciPowerState.D0 => "#43a047",
        PciPowerState.D1 => "#c0ca33",
        PciPowerState.D2 => "#fdd835",
        PciPowerState.D3hot => "#fb8c00",
        PciPowerState.D3cold => "#283593",
        _ => "#bdbdbd",
    };

    private static string StateTextColour(PciPowerState state) => state is PciPowerState.D1 or PciPowerState.D2 ? "#212121" : "#ffffff";

    // Round ticks: 1, 2 or 5 × 10^k milliseconds, about eight to twelve across the span.
    private static IEnumerable<TimeSpan> Ticks(TimelineModel model)
    {
        var spanMs = (model.End - model.Start).TotalMilliseconds;
        var step = Math.Pow(10, Math.Floor(Math.Log10(spanMs / 10)));
        foreach (var m in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (spanMs / (step * m) <= 12)
            {
                step *= m;
                break;
            }
        }

        var first = Math.Ceiling(model.Start.TotalMilliseconds / step) * step;
        for (var t = first; t <= model.End.TotalMilliseconds + 1e-9; t += step)
        {
            yield return TimeSpan.FromTicks((long)Math.Round(t * TimeSpan.TicksPerMillisecond));
        }
    }

    private static string FormatTime(TimeSpan t) => t.TotalMilliseconds >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.###} ms");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal);
}
