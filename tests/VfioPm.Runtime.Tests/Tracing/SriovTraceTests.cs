using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Tracing;

/// <summary>VFs enabled during a recording get lanes of their own, with their PCI power state, like the platform's functions.</summary>
public sealed class SriovTraceTests
{
    [Fact]
    public void VirtualFunctionsEnabledWhileRecordingHaveLanesWithTheirStates()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var pf = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = true, TotalVfs = 2 });
        var driver = new VfioPciDriver();
        Assert.Equal(0, pf.Bind(driver));
        platform.Settle(TimeSpan.FromMilliseconds(500));
        var vdev = driver.GetDevice(pf)!;

        var vfDriver = new VfioPciDriver();
        pf.VirtualFunctionAdded += vf => vf.Bind(vfDriver); // as the driver core's auto-probe would (sriov_drivers_autoprobe)
        using var trace = platform.StartTrace();
        Assert.Equal(2, vdev.SriovConfigure(2));
        platform.Settle(TimeSpan.FromMilliseconds(500));
        var vfs = pf.VirtualFunctions.Select(v => v.Name).ToList();
        Assert.Equal(2, vfs.Count);
        Assert.Equal(0, vdev.SriovConfigure(0));
        platform.Settle(TimeSpan.FromMilliseconds(500));
        trace.Dispose();

        // Each VF came up in D0 and, bound to vfio-pci and unused, runtime-suspended to D3hot like any function; it was
        // resumed for the disable and left the bus (its state becomes Unknown).
        Assert.All(vfs, name => Assert.Contains(trace.Devices, d => d.Name == name));
        Assert.All(vfs, name => Assert.Equal(
            new[] { (PciPowerState.D0, PciPowerState.D3hot), (PciPowerState.D3hot, PciPowerState.D0), (PciPowerState.D0, PciPowerState.Unknown) },
            trace.Records.Where(r => r.Kind == TimelineKind.PciState && r.Device == name).Select(r => (r.From, r.To))));
        Assert.DoesNotContain(platform.Timeline, e => vfs.Contains(e.Device) && e.Kind == TimelineKind.PciState); // the timeline still leaves VFs out

        using (var json = new MemoryStream())
        {
            trace.WritePerfetto(json);
            Assert.DoesNotContain("\"Unknown\"", System.Text.Encoding.UTF8.GetString(json.ToArray()), StringComparison.Ordinal); // no slice for "gone"
        }

        var svg = new StringWriter();
        trace.WriteSvg(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var lanes = XDocument.Parse(svg.ToString()).Descendants(ns + "g").Where(g => g.Attribute("class")?.Value == "lane").ToList();
        foreach (var name in vfs)
        {
            var lane = Assert.Single(lanes, l => l.Attribute("data-device")!.Value == name);
            Assert.Contains(lane.Descendants(ns + "rect"), r => r.Attribute("class")?.Value?.StartsWith("state state-", StringComparison.Ordinal) == true);
        }
    }
}
