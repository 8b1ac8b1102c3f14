using System;
using System.Buffers.Binary;
using VfioPm.Annotations;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Samples.VariantDriver;

/// <summary>
/// The device file of "acme-vfio-pci", a vfio-pci variant driver for an imaginary Acme accelerator, written as
/// annotated handlers. The VfioPm generator writes <c>Ioctl</c>, <c>Read</c> and <c>Write</c>: each resumes
/// <see cref="Pdev"/> first (a failed resume is <c>-EIO</c>), dispatches, and puts the reference on every path; the
/// <c>VFIO_DEVICE_FEATURE</c> header and <c>vfio_check_feature</c> rules are generated too. The handlers below only do
/// device work, and they may touch the hardware because the generated bracket holds the device in D0 around them.
/// </summary>
/// <remarks>
/// Device layout: BAR0 (4 KiB) holds the temperature sensor at 0x10, the fan level at 0x14 and a 256-byte mailbox at
/// 0x100, which the driver also exposes as device-specific region 9 (<see cref="MailboxRegion"/>).
/// </remarks>
[VfioDeviceOps]
public sealed partial class AcmeVariantDevice
{
    /// <summary>The vendor feature index of the thermal interface (GET: temperature, SET: fan level; a u32 each).</summary>
    public const ushort AcmeFeatureThermal = 0x8000;

    /// <summary>The device-specific region: the first index after the nine fixed vfio-pci regions.</summary>
    public const int MailboxRegion = VfioUapi.VFIO_PCI_NUM_REGIONS;

    /// <summary>BAR0 offset of the temperature sensor (u32, degrees Celsius).</summary>
    public const int TemperatureRegister = 0x10;

    /// <summary>BAR0 offset of the fan level (u32).</summary>
    public const int FanRegister = 0x14;

    /// <summary>BAR0 offset of the mailbox window.</summary>
    public const int MailboxBase = 0x100;

    /// <summary>Size of the mailbox window.</summary>
    public const int MailboxSize = 0x100;

    private const int DeviceInfoMinsz = 16;
    private const uint NumIrqs = 5; // VFIO_PCI_NUM_IRQS: INTx, MSI, MSI-X, ERR, REQ

    private readonly byte[] _savedFan = new byte[4];
    private readonly byte[] _savedMailbox = new byte[MailboxSize];

    /// <summary>Creates the device over <paramref name="pdev"/> and programs its power-on defaults (the caller holds it in D0).</summary>
    [RequiresPmReference("pdev")]
    public AcmeVariantDevice(PciDevice pdev)
    {
        Pdev = pdev;
        InitHardware();
    }

    /// <summary>The PCI function; the generated dispatchers resume it before each handler and put it after.</summary>
    [PmDevice]
    public PciDevice Pdev { get; }

    // ---- ioctls ----------------------------------------------------------------------------------------------------

    // VFIO_DEVICE_GET_INFO: struct vfio_device_info { argsz, flags, num_regions, num_irqs } (minsz 16), with the
    // mailbox counted as one device region beyond the nine fixed ones.
    [VfioIoctl(VfioUapi.VFIO_DEVICE_GET_INFO)]
    private int GetInfo(Span<byte> arg)
    {
        if (arg.Length < DeviceInfoMinsz)
        {
            return -Errno.EFAULT;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(arg) < DeviceInfoMinsz)
        {
            return -Errno.EINVAL;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(arg[4..], VfioPciCoreDevice.DeviceFlagsPci | VfioPciCoreDevice.DeviceFlagsReset);
        BinaryPrimitives.WriteUInt32LittleEndian(arg[8..], MailboxRegion + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(arg[12..], NumIrqs);
        return 0;
    }

    // VFIO_DEVICE_RESET: a function reset loses the BAR contents, so the driver programs its defaults again.
    [VfioIoctl(VfioUapi.VFIO_DEVICE_RESET)]
    private int Reset(Span<byte> arg)
    {
        var rc = Pdev.ResetFunction();
        if (rc == 0)
        {
            InitHardware();
        }

        return rc;
    }

    // ---- features --------------------------------------------------------------------------------------------------

    // The vendor thermal feature. vfio_check_feature has run: the direction is supported, it is not a PROBE, and the
    // payload holds at least MinArgSize bytes.
    [VfioFeature(AcmeFeatureThermal, FeatureOps.Get | FeatureOps.Set, MinArgSize = 4)]
    private int Thermal(uint flags, Span<byte> payload)
    {
        if ((flags & VfioUapi.VFIO_DEVICE_FEATURE_GET) != 0)
        {
            return Pdev.ReadBar(0, TemperatureRegister, payload[..4]) == 4 ? 0 : -Errno.EIO;
        }

        var level = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        if (level > 3)
        {
            return -Errno.EINVAL;
        }

        return Pdev.WriteBar(0, FanRegister, payload[..4]) == 4 ? 0 : -Errno.EIO;
    }

    // ---- regions ---------------------------------------------------------------------------------------------------

    [VfioRegion(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX)]
    private int ReadBar0(Span<byte> buffer, long offset) =>
        Clip(offset, buffer.Length, Pdev.Bars[0].Size, out var count) ? Pdev.ReadBar(0, offset, buffer[..count]) : -Errno.EINVAL;

    [VfioRegion(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX)]
    private int WriteBar0(ReadOnlySpan<byte> buffer, long offset) =>
        Clip(offset, buffer.Length, Pdev.Bars[0].Size, out var count) ? Pdev.WriteBar(0, offset, buffer[..count]) : -Errno.EINVAL;

    // Config space is read-only to this driver's users: no write handler, so writes are -EINVAL before any PM call.
    [VfioRegion(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX)]
    private int ReadConfig(Span<byte> buffer, long offset) =>
        Clip(offset, buffer.Length, PciConfigSpace.Size, out var count) ? Pdev.ReadConfig((int)offset, buffer[..count]) : -Errno.EINVAL;

    [VfioRegion(MailboxRegion)]
    private long ReadMailbox(Span<byte> buffer, long offset) =>
        Clip(offset, buffer.Length, MailboxSize, out var count) ? Pdev.ReadBar(0, MailboxBase + offset, buffer[..count]) : -Errno.EINVAL;

    [VfioRegion(MailboxRegion)]
    private long WriteMailbox(ReadOnlySpan<byte> buffer, long offset) =>
        Clip(offset, buffer.Length, MailboxSize, out var count) ? Pdev.WriteBar(0, MailboxBase + offset, buffer[..count]) : -Errno.EINVAL;

    // ---- helpers ---------------------------------------------------------------------------------------------------

    // An access starting inside a region of 'size' bytes, cut at its end.
    private static bool Clip(long offset, int length, long size, out int count)
    {
        count = offset < size ? (int)Math.Min(length, size - offset) : 0;
        return count > 0;
    }

    /// <summary>Runtime-suspend callback work: saves the fan level and the mailbox (device state that D3cold loses).</summary>
    /// <remarks>Called by the driver's runtime suspend, with the function still in D0.</remarks>
    [RequiresPmReference]
    internal void SaveDeviceState()
    {
        Pdev.ReadBar(0, FanRegister, _savedFan);
        Pdev.ReadBar(0, MailboxBase, _savedMailbox);
    }

    /// <summary>Runtime-resume callback work: the sensor restarts at its reset value, fan and mailbox come back.</summary>
    /// <remarks>Called by the driver's runtime resume, with the function back in D0 and config space restored.</remarks>
    [RequiresPmReference]
    internal void RestoreDeviceState()
    {
        InitHardware();
        Pdev.WriteBar(0, FanRegister, _savedFan);
        Pdev.WriteBar(0, MailboxBase, _savedMailbox);
    }

    // Memory decoding on, the sensor reads 42 °C, the fan is at level 1. Caller keeps the device in D0.
    [RequiresPmReference]
    private void InitHardware()
    {
        Pdev.WriteConfig16(PciRegs.Command, (ushort)(Pdev.ReadConfig16(PciRegs.Command) | PciRegs.CommandMemory));
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(value, 42);
        Pdev.WriteBar(0, TemperatureRegister, value);
        BinaryPrimitives.WriteUInt32LittleEndian(value, 1);
        Pdev.WriteBar(0, FanRegister, value);
    }
}
