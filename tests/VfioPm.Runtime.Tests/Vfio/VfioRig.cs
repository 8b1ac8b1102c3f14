using System;
using System.Linq;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>
/// One vfio-pci function below a root port on a deterministic <see cref="SimulatedPlatform"/>, bound, settled and
/// (optionally) opened: the setup every test in this folder starts from.
/// </summary>
internal sealed class VfioRig
{
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(300);

    public VfioRig(PciFunctionSpec? spec = null, bool platformD3Cold = false, bool open = true, bool intxLine = false)
    {
        Platform = new SimulatedPlatform();
        Port = Platform.AddRootPort("0000:00:1c.0", platformD3Cold: platformD3Cold);
        Spec = spec ?? new PciFunctionSpec { PlatformD3Cold = platformD3Cold };
        Pdev = Platform.AddEndpoint(Port, "0000:01:00.0", Spec);
        if (intxLine)
        {
            Line = new IntxLine("IRQ 16");
            Pdev.Intx = Line;
        }

        Driver = new VfioPciDriver();
        Assert.Equal(0, Pdev.Bind(Driver));
        Settle();
        Vdev = Driver.GetDevice(Pdev)!;
        Assert.NotNull(Vdev);
        if (open)
        {
            File = Vdev.Open();
            Settle();
        }
    }

    public SimulatedPlatform Platform { get; }

    public PciDevice Port { get; }

    public PciFunctionSpec Spec { get; }

    public PciDevice Pdev { get; }

    public IntxLine? Line { get; }

    public VfioPciDriver Driver { get; }

    public VfioPciCoreDevice Vdev { get; }

    public VfioDeviceFile File { get; private set; } = null!;

    public int Usage => Pdev.Power.UsageCount;

    public RpmStatus Status => Pdev.Power.Status;

    public void Settle() => Platform.Settle(SettleTime);

    /// <summary>Opens the device again (the rig was built with open: false, or its file was closed) and settles.</summary>
    public void Reopen()
    {
        File = Vdev.Open();
        Settle();
    }

    public int TimelineCount => Platform.Timeline.Count;

    /// <summary>Runtime-PM or PCI power-state transitions of the function recorded after <paramref name="mark"/> timeline entries.</summary>
    public TimelineEntry[] TransitionsSince(int mark) =>
        Platform.Timeline.Skip(mark)
            .Where(e => e.Device == Pdev.Name && e.Kind is TimelineKind.RuntimePm or TimelineKind.PciState or TimelineKind.PlatformPower)
            .ToArray();

    public int Feature(uint flags) => File.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(flags));

    public int Feature(uint flags, ReadOnlySpan<byte> payload) =>
        File.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(flags, payload));

    public int Entry() => Feature(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);

    public int Exit() => Feature(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);

    public int EntryWithWakeup(int fd, uint reserved = 0) =>
        File.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(fd, reserved));

    public int GetInfo()
    {
        var info = new byte[16];
        info[0] = 16;
        return File.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info);
    }

    public static long Region(int index, long offset = 0) => VfioUapi.RegionOffset(index) + offset;

    public long ConfigWrite(int offset, params byte[] data) => File.Write(data, Region(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX, offset));

    /// <summary>A 2-byte config read at offset 0, returning the raw result (byte count or -errno).</summary>
    public long ConfigReadResult() => File.Read(new byte[2], Region(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX));

    public ushort ConfigRead16(int offset)
    {
        var b = new byte[2];
        Assert.Equal(2, File.Read(b, Region(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX, offset)));
        return (ushort)(b[0] | (b[1] << 8));
    }

    /// <summary>User write of COMMAND with Memory Space Enable (0x0002).</summary>
    public void EnableMemory() => Assert.Equal(2, ConfigWrite(PciRegs.Command, 0x02, 0x00));

    /// <summary>User write of PMCSR (config offset 0x44) power-state byte.</summary>
    public void WritePmcsr(byte state) => Assert.Equal(1, ConfigWrite(PciConfigSpace.PmCapOffset + PciRegs.PmCtrl, state));

    public void AssertNoFatal() => Assert.Empty(Platform.FatalAccesses);
}
