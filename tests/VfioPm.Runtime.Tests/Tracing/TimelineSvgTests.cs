using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Tests.TestKit;
using VfioPm.Samples.Vmm;

namespace VfioPm.Runtime.Tests.Tracing;

/// <summary>
/// The drawn timeline: well-formed SVG with a lane per device (parents first), the D-state band with one rectangle per
/// state held, a usage-count step line, one marker per ioctl, wake-up and host access, the phases, an axis and a legend;
/// and the main command's drawing as a snapshot.
/// </summary>
public sealed class TimelineSvgTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _temp = Directory.CreateTempSubdirectory("vfiopm-timeline-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void TheDrawingHasALanePerDeviceWithItsStatesCountsAndMarkers()
    {
        var scenario = new TraceScenario();
        var text = new StringWriter();
        scenario.Trace.WriteSvg(text, new TimelineSvgOptions { Title = "scenario" });
        var root = XDocument.Parse(text.ToString()).Root!;

        Assert.Equal(Svg + "svg", root.Name);
        var width = int.Parse(root.Attribute("width")!.Value, CultureInfo.InvariantCulture);
        var height = int.Parse(root.Attribute("height")!.Value, CultureInfo.InvariantCulture);
        Assert.Equal($"0 0 {width} {height}", root.Attribute("viewBox")!.Value);
        Assert.Equal("scenario", root.Element(Svg + "title")!.Value);

        var lanes = Groups(root, "lane").ToList();
        Assert.Equal(new[] { "0000:00:1c.0", "0000:01:00.0" }, lanes.Select(l => l.Attribute("data-device")!.Value));
        foreach (var lane in lanes)
        {
            // Every state held is a rectangle inside the plot, left to right, and the band covers the whole trace.
            var rects = Groups(lane, "states").Single().Elements(Svg + "rect").ToList();
            Assert.NotEmpty(rects);
            var xs = rects.Select(r => double.Parse(r.Attribute("x")!.Value, CultureInfo.InvariantCulture)).ToList();
            Assert.True(xs.Zip(xs.Skip(1)).Where((p, i) => rects[i + 1].Attribute("width")!.Value != "2").All(p => p.First <= p.Second), "state rectangles out of order");
            Assert.All(rects, r => Assert.StartsWith("state state-D", r.Attribute("class")!.Value, StringComparison.Ordinal));
            Assert.Contains(rects, r => r.Attribute("class")!.Value == "state state-D3cold");
            Assert.Contains(rects, r => r.Attribute("class")!.Value == "state state-D0");
            Assert.Single(lane.Descendants(Svg + "path"), p => p.Attribute("class")?.Value == "usage");
        }

        // Markers on the GPU lane: one per ioctl, the wake-up, the host's lspci; each with a tooltip.
        var gpu = lanes[1];
        Assert.Equal(scenario.Ioctls, Groups(gpu, "mark mark-ioctl").Count());
        Assert.Single(Groups(gpu, "mark mark-wakeup"));
        Assert.Single(Groups(gpu, "mark mark-host"));
        Assert.All(Groups(gpu, "mark mark-ioctl"), m => Assert.Contains("VFIO_DEVICE_FEATURE", m.Element(Svg + "title")!.Value, StringComparison.Ordinal));
        Assert.Contains(Groups(gpu, "mark mark-ioctl"), m => m.Descendants(Svg + "text").Any(t => t.Value == "LOW_POWER_EXIT"));

        // The root port's child count is drawn (it is what keeps the port up), the GPU's is not (it has no children).
        Assert.Single(lanes[0].Descendants(Svg + "path"), p => p.Attribute("class")?.Value == "children");
        Assert.DoesNotContain(gpu.Descendants(Svg + "path"), p => p.Attribute("class")?.Value == "children");

        // Phases, axis and legend.
        Assert.Equal(3, Groups(root, "phase").Count());
        Assert.True(Groups(root, "axis").Single().Elements(Svg + "text").Count(t => t.Attribute("class")?.Value == "tick") >= 5);
        var legend = string.Join(" ", Groups(root, "legend").Single().Descendants(Svg + "text").Select(t => t.Value));
        foreach (var word in new[] { "D0", "D3hot", "D3cold", "usage count", "ioctl", "wake eventfd", "host access" })
        {
            Assert.Contains(word, legend, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheMainCommandsTimelineMatchesItsSnapshot()
    {
        var svg = Path.Combine(_temp, "timeline.svg");
        var output = new StringWriter();
        var exit = new HypervisorScenario(platformD3Cold: true, disableIdleD3: false, quiet: true, output) { Outputs = new TraceOutputs(svg, Array.Empty<(string, string)>()) }.Run();

        Assert.Equal(0, exit);
        Assert.Contains($"Timeline: {svg}", output.ToString(), StringComparison.Ordinal);
        var text = File.ReadAllText(svg);
        XDocument.Parse(text); // well-formed
        Snapshot.Match(text, "VmmPlatformD3cold", "svg");
    }

    [Fact]
    public void AnHtmlTimelineIsASelfContainedPageAroundTheSameDrawing()
    {
        var scenario = new TraceScenario();
        var svg = new StringWriter();
        var html = new StringWriter();
        scenario.Trace.WriteSvg(svg);
        scenario.Trace.WriteSvg(html, new TimelineSvgOptions { Html = true });

        var page = html.ToString();
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var drawing = svg.ToString();
        Assert.Contains(drawing[drawing.IndexOf("<svg", StringComparison.Ordinal)..], page, StringComparison.Ordinal);
    }

    private static System.Collections.Generic.IEnumerable<XElement> Groups(XElement root, string cls) =>
        root.Descendants(Svg + "g").Where(g => g.Attribute("class")?.Value == cls);
}
