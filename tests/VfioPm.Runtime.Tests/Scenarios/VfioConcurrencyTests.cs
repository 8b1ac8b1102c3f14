using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Scenarios;

/// <summary>
/// Real threads racing every user-visible path of one vfio device through two open files (the seed-000 situation at
/// scale), with host lspci on the side. Invariants: no access outside D0, no usage-count underflow, no deadlock
/// (every thread finishes within a bound), every call returns a documented result, and after close the device is
/// back to unused and suspended. Each run is reproducible from its seed (printed on failure).
/// </summary>
public sealed class VfioConcurrencyTests
{
    private const int Workers = 4;

    private static readonly long Config = VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX);
    private static readonly long Bar0 = VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX);

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void IoctlsRegionAccessAndLowPowerRaceWithoutFatalAccess(int seed, bool platformD3Cold)
    {
        var env = new PmEnvironment(TimeProvider.System, new ThreadPoolPmWorkQueue());
        var platform = new SimulatedPlatform(env);
        var port = platform.AddRootPort("0000:00:1c.0", platformD3Cold);
        var gpu = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { PlatformD3Cold = platformD3Cold });
        var driver = new VfioPciDriver();
        Assert.Equal(0, gpu.Bind(driver));
        var vdev = driver.GetDevice(gpu)!;
        var fds = new FileDescriptorTable();
        var wake = new EventFd();
        var wakeFd = fds.Install(wake);
        var files = new[] { vdev.Open(fds), vdev.Open(fds) };
        Span<byte> enable = stackalloc byte[] { (byte)PciRegs.CommandMemory, 0 };
        Assert.Equal(2, files[0].Write(enable, Config + PciRegs.Command));

        var unexpected = new ConcurrentQueue<string>();
        // Every 20 operations the workers meet and the PM workqueue drains: an engaged, idle device really suspends
        // there, and the next operations resume it while the other threads pile in.
        using var phase = new Barrier(Workers, _ => env.WorkQueue.WaitForIdle(TimeSpan.FromSeconds(5)));
        var threads = Enumerable.Range(0, Workers).Select(t => new Thread(
            () => Worker(new Random((seed * 100) + t), files[t % 2], platform, gpu, wakeFd, unexpected, phase))
        { IsBackground = true, Name = $"vfio-worker-{t}" }).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var thread in threads)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero), $"seed {seed}: {thread.Name} did not finish (deadlock?)");
        }
        Assert.True(unexpected.IsEmpty, $"seed {seed}: {string.Join("; ", unexpected.Take(5))}");

        // The race must really have taken the device down and up while files were busy, or it proves nothing.
        var suspendsDuringRun = platform.Timeline.Count(e => e.Kind == TimelineKind.RuntimePm && e.Device == gpu.Name
            && e.Detail.StartsWith("Suspending → Suspended", StringComparison.Ordinal));
        Assert.True(suspendsDuringRun > 3, $"seed {seed}: only {suspendsDuringRun} suspends happened during the race");

        foreach (var f in files)
        {
            f.Close();
        }

        Assert.True(env.WorkQueue.WaitForIdle(TimeSpan.FromSeconds(10)), $"seed {seed}: PM work did not drain");
        gpu.Power.Barrier();
        Assert.True(env.WorkQueue.WaitForIdle(TimeSpan.FromSeconds(10)));

        Assert.Empty(platform.FatalAccesses);
        Assert.Equal(0, gpu.Power.UnderflowWarnings);
        Assert.Equal(0, port.Power.UnderflowWarnings);
        Assert.Equal(0, gpu.Power.UsageCount);
        Assert.False(vdev.PmRuntimeEngaged);
        Assert.Equal(RpmStatus.Suspended, gpu.Power.Status);
        Assert.Equal(platformD3Cold ? PciPowerState.D3cold : PciPowerState.D3hot, gpu.CurrentState);
    }

    private static void Worker(Random random, VfioDeviceFile file, SimulatedPlatform platform, PciDevice gpu, int wakeFd, ConcurrentQueue<string> unexpected, Barrier phase)
    {
        Span<byte> buffer = stackalloc byte[16];
        var info = new byte[16];
        var entry = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
        var entryWake = VfioFeatureRequest.BuildLowPowerEntryWithWakeup(wakeFd);
        var exit = VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);
        var mask = VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionMask, VfioIrqSet.IndexIntx, 0, 1, default);
        var unmask = VfioIrqSet.Build(VfioIrqSet.DataNone | VfioIrqSet.ActionUnmask, VfioIrqSet.IndexIntx, 0, 1, default);

        for (var i = 0; i < 400; i++)
        {
            if (i % 20 == 19 && !phase.SignalAndWait(TimeSpan.FromSeconds(30)))
            {
                unexpected.Enqueue("phase barrier timed out");
                return;
            }

            int result;
            string op;
            switch (random.Next(8))
            {
                case 0:
                    op = "LOW_POWER_ENTRY";
                    result = file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, entry);
                    Expect(op, result, 0, -Errno.EINVAL);
                    break;
                case 1:
                    op = "LOW_POWER_ENTRY_WITH_WAKEUP";
                    result = file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, entryWake);
                    Expect(op, result, 0, -Errno.EINVAL);
                    break;
                case 2:
                    op = "LOW_POWER_EXIT";
                    result = file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, exit);
                    Expect(op, result, 0);
                    break;
                case 3:
                    op = "GET_INFO";
                    BitConverter.TryWriteBytes(info, 16u);
                    result = file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info);
                    Expect(op, result, 0);
                    break;
                case 4:
                    op = "config read";
                    result = (int)file.Read(buffer[..4], Config);
                    Expect(op, result, 4);
                    break;
                case 5:
                    // BAR access works in low power too (wrapped in get/put); memory stays enabled in this run.
                    op = "BAR0 read";
                    result = (int)file.Read(buffer, Bar0);
                    Expect(op, result, 16);
                    break;
                case 7:
                    // Touches config space (INTx disable): only safe because the ioctl wrapper holds the device up.
                    op = "SET_IRQS INTx mask/unmask";
                    result = file.Ioctl(VfioUapi.VFIO_DEVICE_SET_IRQS, random.Next(2) == 0 ? mask : unmask);
                    Expect(op, result, 0);
                    break;
                default:
                    op = "host lspci";
                    result = platform.HostConfigRead(gpu, 0, buffer[..2]);
                    Expect(op, result, 2);
                    break;
            }
        }

        void Expect(string op, int result, params int[] allowed)
        {
            if (Array.IndexOf(allowed, result) < 0)
            {
                unexpected.Enqueue($"{op} returned {Errno.Describe(result)}");
            }
        }
    }
}
