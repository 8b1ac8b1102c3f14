using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Invariants;

namespace VfioPm.Stress.Machine;

/// <summary>
/// The simulated machine the workload runs on, every endpoint bound to vfio-pci:
/// <code>
/// 0000:00:1c.0 root port            platform D3cold
/// ├─ 0000:01:00.0 bridge A          no platform power control
/// │  ├─ 0000:02:00.0 GPU             INTx on the shared line
/// │  └─ 0000:02:00.1 audio           INTx on the shared line, NoSoftRst- (vfio saves/restores), no FLR
/// └─ 0000:01:01.0 bridge B          platform D3cold
///    ├─ 0000:03:00.0 NVMe            D3cold slot, no INTx
///    └─ 0000:03:00.1 NIC PF          D3cold slot, INTx on the shared line, up to 3 VFs (on bridge B, bound to vfio-pci)
/// 0000:00:1d.0 root port            no platform power control
/// ├─ 0000:04:00.0 capture card      bound with disable_idle_d3: never idles into D3 on its own
/// └─ 0000:04:00.1 its audio         bound normally; same reset group as the capture card
/// </code>
/// A <c>disable_idle_d3</c> device keeps its probe reference while unused, so it and its root port stay active after
/// the run (<see cref="HeldUpByDisableIdleD3"/>); it may still suspend while its user has low power engaged.
/// </summary>
public sealed class StressMachine
{
    /// <summary>vfio devices the workload targets (the PF last).</summary>
    public const int VfioDeviceCount = 6;

    /// <summary>File slots per vfio device.</summary>
    public const int SlotsPerDevice = 3;

    /// <summary>PCI functions host actions target (ports, bridges and endpoints; VFs come and go).</summary>
    public const int FunctionCount = 10;

    /// <summary>The most VFs the PF can enable.</summary>
    public const int MaxVfs = 3;

    /// <summary>How many timeline entries the platform keeps at least (the dump shows the last ones).</summary>
    public const int TimelineCapacity = 4096;

    private readonly ConcurrentDictionary<PciDevice, bool> _mayStayActive = new();

    private StressMachine(SimulatedPlatform platform, InvariantMonitor monitor)
    {
        Platform = platform;
        Monitor = monitor;
    }

    /// <summary>The platform.</summary>
    public SimulatedPlatform Platform { get; }

    /// <summary>Where violations go.</summary>
    public InvariantMonitor Monitor { get; }

    /// <summary>The PM environment (real or deterministic).</summary>
    public PmEnvironment Environment => Platform.Environment;

    /// <summary>Root port, bridges and endpoints, in the order of the tree above.</summary>
    public IReadOnlyList<PciDevice> Functions { get; private set; } = Array.Empty<PciDevice>();

    /// <summary>The vfio devices: GPU, audio, NVMe, capture card (disable_idle_d3), its audio, PF (always last).</summary>
    public IReadOnlyList<StressDevice> Devices { get; private set; } = Array.Empty<StressDevice>();

    /// <summary>The SR-IOV PF.</summary>
    public StressDevice Pf => Devices[^1];

    /// <summary>The PF's VFs and their users.</summary>
    public VirtualFunctionPool Vfs { get; private set; } = null!;

    /// <summary>The INTx line the GPU, the audio function and the PF share (with another driver's slow handler).</summary>
    public IntxLine Line { get; } = new("IRQ 16");

    /// <summary>The vfio-pci driver every endpoint (and VF) is bound to, but the capture card.</summary>
    public VfioPciDriver Driver { get; } = new();

    /// <summary>vfio-pci loaded with <c>disable_idle_d3</c>, for the capture card.</summary>
    public VfioPciDriver DisableIdleD3Driver { get; } = new(new VfioPciOptions { DisableIdleD3 = true });

    /// <summary>How often the paired workloads met what they pair.</summary>
    public Running.PairedWorkloadCounts Paired { get; } = new();

    /// <summary>The file descriptors of the user process (the VMM): eventfds named in ioctls live here.</summary>
    public FileDescriptorTable Fds { get; } = new();

    /// <summary>A descriptor that is open but not an eventfd.</summary>
    public int RegularFileFd { get; private set; }

    /// <summary>
    /// Functions that stay active after the run because of a <c>disable_idle_d3</c> device: the device itself (holding
    /// its probe reference, in D0) and its ancestors (counting it as an active child).
    /// </summary>
    public bool HeldUpByDisableIdleD3(PciDevice function) =>
        Devices.Any(d => d.DisableIdleD3 && (ReferenceEquals(d.Pdev, function) || IsAncestor(function, d.Pdev)));

    private static bool IsAncestor(PciDevice candidate, PciDevice of)
    {
        for (var p = of.Parent; p is not null; p = p.Parent)
        {
            if (ReferenceEquals(p, candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every function now on the bus, VFs included.</summary>
    public IEnumerable<PciDevice> AllFunctions => Functions.Concat(Pf.Pdev.VirtualFunctions);

    /// <summary>
    /// Records that something was done to <paramref name="function"/> after which, as in the kernel, it may stay active
    /// with nothing left to idle it until its next put: a suspend failed on purpose (-EBUSY/-EAGAIN are not retried
    /// outside autosuspend), or a synchronous <c>pm_runtime_resume()</c> of an active device (a <c>d3cold_allowed</c>
    /// write), which cancels a pending idle request and queues none.
    /// </summary>
    public void NoteMayStayActive(PciDevice function) => _mayStayActive[function] = true;

    /// <summary>Whether <see cref="NoteMayStayActive"/> was called for <paramref name="function"/>.</summary>
    public bool MayStayActive(PciDevice function) => _mayStayActive.ContainsKey(function);

    /// <summary>Builds the machine on <paramref name="environment"/>, binds vfio-pci everywhere and starts watching it.</summary>
    public static StressMachine Create(PmEnvironment environment, InvariantMonitor monitor)
    {
        var platform = new SimulatedPlatform(environment) { TimelineCapacity = TimelineCapacity };
        var machine = new StressMachine(platform, monitor);
        machine.Build();
        return machine;
    }

    private void Build()
    {
        var rootPort = Platform.AddRootPort("0000:00:1c.0", platformD3Cold: true);
        var bridgeA = Platform.AddBridge(rootPort, "0000:01:00.0");
        var bridgeB = Platform.AddBridge(rootPort, "0000:01:01.0", platformD3Cold: true);
        var gpu = Platform.AddEndpoint(bridgeA, "0000:02:00.0", new PciFunctionSpec());
        var audio = Platform.AddEndpoint(bridgeA, "0000:02:00.1", new PciFunctionSpec
        {
            VendorId = 0x10de, DeviceId = 0x10fa, ClassCode = 0x040300, NoSoftReset = false, FunctionResetSupported = false,
        });
        var nvme = Platform.AddEndpoint(bridgeB, "0000:03:00.0", new PciFunctionSpec
        {
            VendorId = 0x144d, DeviceId = 0xa808, ClassCode = 0x010802, PlatformD3Cold = true, HasIntx = false,
        });
        var pf = Platform.AddEndpoint(bridgeB, "0000:03:00.1", new PciFunctionSpec
        {
            VendorId = 0x8086, DeviceId = 0x1572, ClassCode = 0x020000, PlatformD3Cold = true, TotalVfs = MaxVfs,
        });
        var rootPort2 = Platform.AddRootPort("0000:00:1d.0");
        var capture = Platform.AddEndpoint(rootPort2, "0000:04:00.0", new PciFunctionSpec
        {
            VendorId = 0x1cd7, DeviceId = 0x0010, ClassCode = 0x040000, HasIntx = false,
        });
        var captureAudio = Platform.AddEndpoint(rootPort2, "0000:04:00.1", new PciFunctionSpec
        {
            VendorId = 0x1cd7, DeviceId = 0x0011, ClassCode = 0x040300, HasIntx = false, FunctionResetSupported = false,
        });
        gpu.Intx = Line;
        audio.Intx = Line;
        pf.Intx = Line;

        // Another driver's handler shares the line and is slow now and then: an interrupt's handling stays in flight
        // long enough for a vfio device on the line to be closed and suspended meanwhile.
        var slowHandlerCalls = 0;
        Line.Register(rootPort, () =>
        {
            if ((Interlocked.Increment(ref slowHandlerCalls) & 3) == 0)
            {
                Thread.Sleep(1);
            }

            return false;
        });
        Functions = new[] { rootPort, bridgeA, bridgeB, gpu, audio, nvme, rootPort2, capture, captureAudio, pf };
        RegularFileFd = Fds.Install("a regular file");

        Monitor.Watch(this);
        pf.VirtualFunctionAdded += vf =>
        {
            Monitor.WatchFunction(vf);
            if (vf.Bind(Driver) != 0)
            {
                Monitor.Report("setup", $"{vf.Name}: vfio-pci did not bind");
            }
        };

        var devices = new List<StressDevice>();
        foreach (var pdev in new[] { gpu, audio, nvme, capture, captureAudio, pf })
        {
            var driver = ReferenceEquals(pdev, capture) ? DisableIdleD3Driver : Driver;
            var ret = pdev.Bind(driver);
            var vdev = ret == 0 ? driver.GetDevice(pdev) : null;
            if (vdev is null)
            {
                throw new InvalidOperationException($"{pdev.Name}: vfio-pci bind failed ({ret})");
            }

            devices.Add(new StressDevice(devices.Count, pdev, driver, vdev, new WakeEventFds(Fds, Monitor, pdev.Name)));
        }

        Devices = devices;
        Vfs = new VirtualFunctionPool(Pf, Driver);
    }
}
