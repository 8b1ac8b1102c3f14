using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VfioPm.Runtime.Platform;

namespace VfioPm.Runtime.Tests.Tracing;

/// <summary>
/// The Perfetto / Chrome JSON export: valid against the Trace Event Format (the fields each phase requires, timestamps
/// that never go backwards on a track, every B closed by its E in order), and telling the scenario's story.
/// </summary>
public sealed class PerfettoTraceTests
{
    private static readonly HashSet<string> Phases = new(StringComparer.Ordinal) { "B", "E", "i", "C", "M" };

    [Fact]
    public void TheExportIsValidTraceEventFormat()
    {
        var events = Export(new TraceScenario().Trace);
        Assert.NotEmpty(events);

        var lastTs = new Dictionary<(long, long), double>();
        var counterTs = new Dictionary<(long, string), double>();
        var open = new Dictionary<(long, long), Stack<string>>();
        foreach (var e in events)
        {
            var ph = e.GetProperty("ph").GetString()!;
            Assert.Contains(ph, Phases);
            var pid = e.GetProperty("pid").GetInt64();
            var tid = e.GetProperty("tid").GetInt64();
            var name = e.GetProperty("name").GetString();
            Assert.False(string.IsNullOrEmpty(name));
            if (ph == "M")
            {
                Assert.Equal(JsonValueKind.Object, e.GetProperty("args").ValueKind);
                continue;
            }

            var ts = e.GetProperty("ts").GetDouble();
            Assert.True(ts >= 0, $"negative ts in {e}");
            if (ph == "C")
            {
                Assert.True(!counterTs.TryGetValue((pid, name!), out var previous) || ts >= previous, $"counter {name} of pid {pid} went back in time at {ts}");
                counterTs[(pid, name!)] = ts;
                Assert.All(e.GetProperty("args").EnumerateObject(), a => Assert.Equal(JsonValueKind.Number, a.Value.ValueKind));
                continue;
            }

            var track = (pid, tid);
            Assert.True(!lastTs.TryGetValue(track, out var last) || ts >= last, $"track {track} went back in time at {ts}: {e}");
            lastTs[track] = ts;
            var stack = open.TryGetValue(track, out var s) ? s : open[track] = new Stack<string>();
            switch (ph)
            {
                case "B":
                    stack.Push(name!);
                    break;
                case "E":
                    Assert.True(stack.Count > 0, $"E without B on {track} at {ts}");
                    Assert.Equal(stack.Pop(), name);
                    break;
                case "i":
                    Assert.Contains(e.GetProperty("s").GetString(), new[] { "t", "p", "g" });
                    break;
            }
        }

        Assert.All(open, kv => Assert.True(kv.Value.Count == 0, $"unclosed slices on {kv.Key}: {string.Join(", ", kv.Value)}"));
    }

    [Fact]
    public void TheExportTellsTheScenariosStory()
    {
        var scenario = new TraceScenario();
        var events = Export(scenario.Trace);
        var gpu = Pid(events, "0000:01:00.0 GPU");
        var port = Pid(events, "0000:00:1c.0 root port");

        // The GPU's PCI power state, as slices: D0 while in use; D3hot then D3cold (pci_set_power_state puts the function
        // in D3hot before the platform cuts power) in low power; woken by lspci; down the same way after close.
        var down = new[] { "D3hot", "D3cold" };
        Assert.Equal(new[] { "D0" }.Concat(down).Append("D0").Concat(down), Squeeze(Slices(events, gpu, 1)));
        Assert.Equal(new[] { "D0" }.Concat(down).Append("D0").Concat(down), Squeeze(Slices(events, port, 1)));
        Assert.Equal(new[] { "RPM_ACTIVE", "RPM_SUSPENDING", "RPM_SUSPENDED", "RPM_RESUMING", "RPM_ACTIVE" }, Slices(events, gpu, 2).Take(5));

        // The usage count: 1 (the open reference) → 0 (low power) → ... → 0 at the end; the port's child count follows the GPU.
        var usage = Counter(events, gpu, "usage_count");
        Assert.Equal(1, usage[0]);
        Assert.Contains(0, usage);
        Assert.Equal(0, usage[^1]);
        var children = Counter(events, port, "child_count");
        Assert.Equal(new[] { 1, 0, 1, 0 }, Squeeze(children));

        // Instants: the VMM's ioctls and wake-up, the host's lspci, platform power, every rpm tracepoint with its fields.
        var instants = events.Where(e => e.GetProperty("ph").GetString() == "i" && e.GetProperty("pid").GetInt64() == gpu).ToList();
        Assert.Equal(scenario.Ioctls, instants.Count(e => e.GetProperty("cat").GetString() == "ioctl"));
        Assert.Single(instants, e => e.GetProperty("cat").GetString() == "wakeup");
        Assert.Single(instants, e => e.GetProperty("cat").GetString() == "host" && e.GetProperty("name").GetString()!.StartsWith("lspci", StringComparison.Ordinal));
        Assert.Contains(instants, e => e.GetProperty("cat").GetString() == "platform");
        var tracepoints = instants.Where(e => e.GetProperty("cat").GetString() == "rpm").ToList();
        Assert.Equal(scenario.Trace.Records.Count(r => r.Rpm is { } e && e.Device.Name == "0000:01:00.0"), tracepoints.Count);
        // The first ioctl's resume_and_get, on top of the open reference.
        Assert.Equal("0000:01:00.0 flags-4 cnt-2  dep-0  auto-1 p-0 irq-0 child-0", tracepoints[0].GetProperty("args").GetProperty("fields").GetString());
        Assert.Equal("rpm_resume", tracepoints[0].GetProperty("name").GetString());

        // The notes are global instants on the scenario process.
        var notes = events.Where(e => e.GetProperty("ph").GetString() == "i" && e.GetProperty("s").GetString() == "g").Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(new[] { "the guest powers the GPU off", "the host runs lspci", "the guest powers the GPU on, then the VM shuts down" }, notes);
    }

    private static List<JsonElement> Export(PlatformTrace trace)
    {
        using var stream = new MemoryStream();
        trace.WritePerfetto(stream);
        using var document = JsonDocument.Parse(stream.ToArray());
        Assert.Equal("ms", document.RootElement.GetProperty("displayTimeUnit").GetString());
        return document.RootElement.GetProperty("traceEvents").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static long Pid(List<JsonElement> events, string processName) =>
        events.Single(e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "process_name"
            && e.GetProperty("args").GetProperty("name").GetString() == processName).GetProperty("pid").GetInt64();

    private static List<string> Slices(List<JsonElement> events, long pid, long tid) =>
        events.Where(e => e.GetProperty("ph").GetString() == "B" && e.GetProperty("pid").GetInt64() == pid && e.GetProperty("tid").GetInt64() == tid)
            .Select(e => e.GetProperty("name").GetString()!).ToList();

    private static List<int> Counter(List<JsonElement> events, long pid, string name) =>
        events.Where(e => e.GetProperty("ph").GetString() == "C" && e.GetProperty("pid").GetInt64() == pid && e.GetProperty("name").GetString() == name)
            .Select(e => e.GetProperty("args").GetProperty("value").GetInt32()).ToList();

    // Consecutive repeats collapsed (a state entered twice in a row through a transient one is one visit here).
    private static List<T> Squeeze<T>(IEnumerable<T> values)
    {
        var result = new List<T>();
        foreach (var v in values)
        {
            if (result.Count == 0 || !EqualityComparer<T>.Default.Equals(result[^1], v))
            {
                result.Add(v);
            }
        }

        return result;
    }
}
