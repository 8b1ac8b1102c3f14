using System;
using System.Buffers.Binary;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// The driver's ioctl ops: vfio_pci_core_ioctl for everything but VFIO_DEVICE_FEATURE, and vfio_pci_core_ioctl_feature
// for the features the vfio core's checks (VfioDeviceFile) pass on.
public sealed partial class VfioPciCoreDevice
{
    /// <summary><c>VFIO_DEVICE_FLAGS_PCI</c>.</summary>
    public const uint DeviceFlagsPci = 1u << 1;

    /// <summary><c>VFIO_DEVICE_FLAGS_RESET</c>.</summary>
    public const uint DeviceFlagsReset = 1u << 0;

    // models vfio_pci_core_ioctl(). Runs inside the ioctl wrapper (device active, ioctl reference held).
    [RequiresPmReference]
    internal int DriverIoctl(uint cmd, Span<byte> arg, FileDescriptorTable fds)
    {
        switch (cmd)
        {
            case VfioUapi.VFIO_DEVICE_GET_INFO:
                return GetInfo(arg);
            case VfioUapi.VFIO_DEVICE_RESET:
                return IoctlReset();
            case VfioUapi.VFIO_DEVICE_SET_IRQS:
                return SetIrqs(arg, fds);
            case VfioUapi.VFIO_DEVICE_PCI_HOT_RESET:
                return DevSet?.HotReset() ?? -Errno.EINVAL;
            default:
                return -Errno.ENOTTY;
        }
    }

    // models vfio_pci_core_ioctl_feature(): the features vfio-pci itself owns; anything else is -ENOTTY.
    // Runs inside the ioctl wrapper (the device is active and holds the ioctl reference).
    internal int DeviceFeature(uint flags, Span<byte> payload, long payloadSize, FileDescriptorTable fds)
    {
        switch ((ushort)(flags & VfioUapi.VFIO_DEVICE_FEATURE_MASK))
        {
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
                return FeatureLowPowerEntry(flags, payloadSize);
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
                return FeatureLowPowerEntryWithWakeup(flags, payload, payloadSize, fds);
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
                return FeatureLowPowerExit(flags, payloadSize);
            case VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
                return FeatureVfToken(flags, payloadSize);
            default:
                return -Errno.ENOTTY;
        }
    }

    // VFIO_DEVICE_GET_INFO: struct vfio_device_info { argsz, flags, num_regions, num_irqs } (minsz 16).
    private int GetInfo(Span<byte> arg)
    {
        const int minsz = 16;
        if (arg.Length < minsz)
        {
            return -Errno.EFAULT;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(arg) < minsz)
        {
            return -Errno.EINVAL;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(arg[4..], DeviceFlagsPci | (ResetWorks ? DeviceFlagsReset : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(arg[8..], (uint)(VfioUapi.VFIO_PCI_NUM_REGIONS + NumDeviceRegions));
        BinaryPrimitives.WriteUInt32LittleEndian(arg[12..], 5);
        return 0;
    }

    // models the VFIO_DEVICE_RESET case: D0 first (a reset in D3 would D0 the function behind vfio's back and lose
    // NoSoftRst- state), then the function reset, all under zap + memory_lock write.
    private int IoctlReset()
    {
        if (!ResetWorks)
        {
            return -Errno.EINVAL;
        }

        ZapAndDownWriteMemoryLock();
        try
        {
            SetPowerStateLocked(PciPowerState.D0);
            return Pdev.ResetFunction();
        }
        finally
        {
            MemoryLock.UpWrite();
        }
    }
}
