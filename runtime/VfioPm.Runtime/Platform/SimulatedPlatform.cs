using System;
using System.Collections.Generic;
using System.Linq;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Platform;

/// <summary>
/// A simulated machine: a PCI topology built root port → bridges → endpoints, platform power control per slot (D3cold
/// where the slot supports it), host actions (<c>lspci</c> config reads, <c>power/control</c>, <c>d3cold_allowed</c>), fault
/// injection, and a timeline of every power transition stamped by the environment's clock.
/// </summary>
public sealed partial class SimulatedPlatform : IPciPlatformPower
{
    private readonly List<PciDevice> _devices = new();
    private readonly List<TimelineEntry> _timeline = new();
    private readonly PciePortDriver _portDriver = new();
    private int? _timelineCapacity;

    /// <summary>Creates a platform on <paramref name="environment"/>; by default a deterministic one (manual clock and workqueue).</summary>
    public SimulatedPlatform(PmEnvironment? environment = null)
    {
        Environment = environment ?? PmEnvironment.CreateDeterministic();
        Environment.Transition += t => Record(TimelineKind.RuntimePm, t.Device.Name, $"{t.From} → {t.To} (usage {t.UsageCount})");
    }

    /// <summary>The runtime-PM environment every device of the platform shares.</summary>
    public PmEnvironment Environment { get; }

    /// <summary>The manual clock, when the environment is deterministic.</summary>
    public ManualTimeProvider? Clock => Environment.Time as ManualTimeProvider;

    /// <summary>The manual workqueue, when the environment is deterministic.</summary>
    public ManualPmWorkQueue? Queue => Environment.WorkQueue as ManualPmWorkQueue;

    /// <summary>Every function, in the order added.</summary>
    public IReadOnlyList<PciDevice> Devices
    {
        get
        {
            lock (_devices)
            {
                return _devices.ToArray();
            }
        }
    }

    /// <summary>The timeline so far.</summary>
    public IReadOnlyList<TimelineEntry> Timeline
    {
        get
        {
            lock (_timeline)
            {
                return _timeline.ToArray();
            }
        }
    }

    /// <summary>
    /// Bounds the timeline for long runs: at least the last <c>TimelineCapacity</c> entries are kept and older ones are
    /// dropped in batches. <see langword="null"/> (the default) keeps everything. Fatal accesses are kept regardless.
    /// </summary>
    public int? TimelineCapacity
    {
        get
        {
            lock (_timeline)
            {
                return _timelineCapacity;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value ?? 1, nameof(value));
            lock (_timeline)
            {
                _timelineCapacity = value;
                TrimTimeline();
            }
        }
    }

    /// <summary>Every fatal access on every function (tests assert this stays empty).</summary>
    public IReadOnlyList<PciFatalAccess> FatalAccesses => Devices.SelectMany(d => d.FatalAccesses).OrderBy(a => a.Time).ToArray();

    /// <summary>Adds a PCIe root port (bound to <c>pcieport</c>, autosuspend 100 ms when bridge D3 is possible).</summary>
    public PciDevice AddRootPort(string bdf, bool platformD3Cold = false, bool bridgeD3Possible = true) =>
        AddBridge(null, bdf, platformD3Cold, bridgeD3Possible);

    /// <summary>Adds a bridge or switch port below <paramref name="upstream"/> (bound to <c>pcieport</c>).</summary>
    public PciDevice AddBridge(PciDevice? upstream, string bdf, bool platformD3Cold = false, bool bridgeD3Possible = true)
    {
        var spec = new PciFunctionSpec
        {
            VendorId = 0x8086,
            DeviceId = 0xa110,
            ClassCode = 0x060400,
            IsBridge = true,
            HasIntx = false,
            MemoryBarSizes = new[] { 0, 0, 0, 0, 0, 0 },
            PlatformD3Cold = platformD3Cold,
            BridgeD3Possible = bridgeD3Possible,
        };
        var port = Add(upstream, bdf, spec);
        port.Bind(_portDriver);
        return port;
    }

    /// <summary>Adds an endpoint function below <paramref name="upstream"/>, unbound.</summary>
    public PciDevice AddEndpoint(PciDevice upstream, string bdf, PciFunctionSpec? spec = null) => Add(upstream, bdf, spec ?? new PciFunctionSpec());

    private PciDevice Add(PciDevice? upstream, string bdf, PciFunctionSpec spec)
    {
        var device = new PciDevice(bdf, upstream, Environment, spec) { Platform = this };
        device.Subsystem = new FaultInjectingCallbacks(device.Subsystem!, this);
        device.PowerStateChanged += OnPowerStateChanged;
        device.VirtualFunctionAdded += OnVirtualFunctionAdded;
        device.FatalAccess += a => Record(TimelineKind.FatalAccess, a.Device.Name, $"{a.What} in {a.State}");
        lock (_devices)
        {
            _devices.Add(device);
        }

        device.AddToBus();
        TraceDeviceAdded(device);
        return device;
    }

    /// <summary>Adds a note to the timeline (scenario steps).</summary>
    public void Note(string text) => Record(TimelineKind.Note, string.Empty, text);

    /// <summary>Lets time pass in small steps, running queued PM work and firing timers, the way pm_wq and hrtimers would.</summary>
    /// <remarks>Deterministic environments only; with real threads it waits for the workqueue to drain instead.</remarks>
    public void Settle(TimeSpan span, TimeSpan? step = null)
    {
        if (Clock is null || Queue is null)
        {
            Environment.WorkQueue.WaitForIdle(span);
            return;
        }

        var tick = step ?? TimeSpan.FromMilliseconds(10);
        var end = Clock.Elapsed + span;
        Queue.RunUntilIdle();
        while (Clock.Elapsed < end)
        {
            var left = end - Clock.Elapsed;
            Clock.Advance(left < tick ? left : tick);
            Queue.RunUntilIdle();
        }
    }

    /// <summary>Runs queued PM work without moving the clock.</summary>
    public void RunWork() => Queue?.RunUntilIdle();

    /// <summary>A readable dump of the timeline.</summary>
    public string FormatTimeline(TimeSpan? since = null) =>
        string.Join('\n', Timeline.Where(e => since is null || e.Time >= since).Select(e => $"{e.Time.TotalMilliseconds,9:0.0} ms  {e.Kind,-13} {e.Device,-13} {e.Detail}"));

    internal void Record(TimelineKind kind, string device, string detail)
    {
        var entry = new TimelineEntry(Environment.Now, kind, device, detail);
        lock (_timeline)
        {
            _timeline.Add(entry);
            TrimTimeline();
        }

        TraceTimeline(entry);
    }

    // Drops the oldest entries once the timeline holds twice its capacity (amortized O(1) per entry). Caller holds _timeline.
    private void TrimTimeline()
    {
        if (_timelineCapacity is int capacity && _timeline.Count >= 2 * capacity)
        {
            _timeline.RemoveRange(0, _timeline.Count - capacity);
        }
    }
}
