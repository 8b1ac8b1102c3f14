using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.Linearizability.Checker;
using VfioPm.Runtime.Tests.Linearizability.Model;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Linearizability.VfioFile;

/// <summary>
/// The real stack under the vfio-file check: a function below a root port (no platform D3cold) on a deterministic
/// platform, bound to vfio-pci and opened twice (files A and B), memory decode enabled through A and BAR0 mapped and
/// touched once, settled. The PM workqueue is manual: only <see cref="VfioOpKind.RunWork"/> runs it. The scope
/// matches <see cref="VfioFileModel"/>'s.
/// </summary>
internal sealed class VfioSubject
{
    private readonly HistoryClock _clock = new();
    private readonly StartLine _startLine = new();
    private readonly ConcurrentQueue<HistoryOp<VfioOpKind>> _executed = new();
    private readonly ConcurrentQueue<EventFd> _wakeFds = new();
    private readonly VfioMmap _map;
    private int _ran;
    private int _counted;

    public VfioSubject()
    {
        Platform = new SimulatedPlatform();
        var port = Platform.AddRootPort("0000:00:1c.0");
        Pdev = Platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { HasIntx = false });
        var driver = new VfioPciDriver();
        Check(Pdev.Bind(driver));
        Platform.Settle(TimeSpan.FromMilliseconds(300));
        Vdev = driver.GetDevice(Pdev) ?? throw new InvalidOperationException("vfio-pci did not bind");
        A = Vdev.Open();
        B = Vdev.Open(A.Fds);
        Check((int)A.Write(new byte[] { 0x02, 0x00 }, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX) + PciRegs.Command) - 2);
        Check(A.Mmap(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX, out var map));
        _map = map!;
        if (_map.Read(0, new byte[4]) != MmapAccess.Ok)
        {
            throw new InvalidOperationException("setup: the mapping does not work");
        }

        Platform.Settle(TimeSpan.FromMilliseconds(300));
    }

    public SimulatedPlatform Platform { get; }

    public PciDevice Pdev { get; }

    public VfioPciCoreDevice Vdev { get; }

    public VfioDeviceFile A { get; }

    public VfioDeviceFile B { get; }

    public bool CountOnce() => Interlocked.Exchange(ref _counted, 1) == 0;

    public IReadOnlyCollection<HistoryOp<VfioOpKind>> Executed => _executed.ToArray();

    /// <summary>Makes the call and records it; true for the first call on this subject.</summary>
    public bool Execute(HistoryOp<VfioOpKind> op)
    {
        var first = Interlocked.Exchange(ref _ran, 1) == 0;
        _startLine.Arrive();
        op.ThreadId = Environment.CurrentManagedThreadId;
        op.Start = _clock.Tick();
        op.Result = Call(op.Kind);
        op.End = _clock.Tick();
        _executed.Enqueue(op);
        return first;
    }

    public VfioObservation Observe() => new(
        Pdev.Power.UsageCount, Vdev.PmRuntimeEngaged, (int)_wakeFds.Sum(e => (long)e.Count), Pdev.Power.Status, _map.IsMapped, !B.IsClosed);

    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var op in _executed.OrderBy(o => o.Start))
        {
            text.Append("\n    ").Append(op);
        }

        return text.Append("\n    final: ").Append(Observe()).ToString();
    }

    public static IEnumerable<ModelStep> ModelSteps(VfioFileModel m, VfioOpKind kind, ResultCell r) => kind switch
    {
        VfioOpKind.GetInfo => m.GetInfoSteps(fileB: false, r),
        VfioOpKind.GetInfoB => m.GetInfoSteps(fileB: true, r),
        VfioOpKind.Entry => m.EntrySteps(withWakeup: false, r),
        VfioOpKind.EntryWithWakeup => m.EntrySteps(withWakeup: true, r),
        VfioOpKind.Exit => m.ExitSteps(r),
        VfioOpKind.ConfigRead => m.ConfigReadSteps(r),
        VfioOpKind.MmapAccess => m.MmapAccessSteps(r),
        VfioOpKind.CloseB => m.CloseBSteps(r),
        VfioOpKind.Lspci => m.LspciSteps(r),
        VfioOpKind.RunWork => m.RunWorkSteps(r),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private int Call(VfioOpKind kind)
    {
        const uint set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
        switch (kind)
        {
            case VfioOpKind.GetInfo: return GetInfo(A);
            case VfioOpKind.GetInfoB: return GetInfo(B);
            case VfioOpKind.Entry:
                return A.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY));
            case VfioOpKind.EntryWithWakeup:
                var wake = new EventFd();
                _wakeFds.Enqueue(wake);
                var fd = A.Fds.Install(wake);
                return A.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd));
            case VfioOpKind.Exit:
                return A.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT));
            case VfioOpKind.ConfigRead:
                return (int)A.Read(new byte[4], VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX));
            case VfioOpKind.MmapAccess:
                return _map.Read(0, new byte[4]) == MmapAccess.Ok ? 0 : 1;
            case VfioOpKind.CloseB:
                B.Close();
                return 0;
            case VfioOpKind.Lspci:
                return Platform.HostConfigRead(Pdev, 0, new byte[4]);
            case VfioOpKind.RunWork:
                Platform.Queue!.RunUntilIdle(); // the count includes the port's items, which the model does not see
                return 0;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static int GetInfo(VfioDeviceFile file)
    {
        var info = new byte[16];
        info[0] = 16;
        return file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info);
    }

    private static void Check(int result)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"setup failed: {Errno.Describe(result)}");
        }
    }
}
