using System;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;

namespace VfioPm.Runtime.Tests.Platform;

/// <summary>
/// A function appears in its bridge's children only once it is fully built. Found by the stress harness: a hot reset
/// walking the bridge's children while SR-IOV enabled VFs met a VF whose BARs were not assigned yet
/// (NullReferenceException out of an ioctl); bridge D3 checks and D3cold propagation walk the same list.
/// </summary>
public sealed class FunctionPublicationTests
{
    private const int Functions = 20_000;

    [Fact]
    public void AFunctionIsNeverVisibleToItsBridgeHalfBuilt()
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        var bridge = platform.AddBridge(port, "0000:01:00.0");
        var spec = new PciFunctionSpec();
        Exception? seen = null;
        var done = 0;

        // One thread keeps adding and removing functions below the bridge, as SR-IOV enable/disable does with VFs...
        var builder = new Thread(() =>
        {
            for (var i = 0; i < Functions && Volatile.Read(ref seen) is null; i++)
            {
                var vf = new PciDevice($"0000:02:00.{i % 8}", bridge, platform.Environment, spec);
                vf.RemoveFromBus();
            }

            Volatile.Write(ref done, 1);
        })
        { IsBackground = true };

        // ...while another walks the bridge's children the way a bus reset and the bridge D3 policy do.
        var walker = new Thread(() =>
        {
            while (Volatile.Read(ref done) == 0)
            {
                try
                {
                    foreach (var child in bridge.Children)
                    {
                        var pci = (PciDevice)child;
                        _ = pci.Bars.Count + (pci.IsBridge ? 1 : 0) + pci.Spec.TotalVfs;
                    }

                    _ = bridge.BridgeD3;
                }
                catch (Exception ex)
                {
                    Volatile.Write(ref seen, ex);
                    return;
                }
            }
        })
        { IsBackground = true };

        builder.Start();
        walker.Start();
        Assert.True(builder.Join(TimeSpan.FromMinutes(2)), "the builder did not finish");
        Assert.True(walker.Join(TimeSpan.FromMinutes(2)), "the walker did not finish");
        Assert.Null(seen);
        Assert.Empty(bridge.Children);
    }
}
