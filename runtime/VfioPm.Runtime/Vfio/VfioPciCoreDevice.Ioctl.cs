using System;
using System.Buffers.Binary;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// The core's ioctl ops: vfio_pci_core_ioctl for everything but VFIO_DEVICE_FEATURE, and vfio_pci_core_ioctl_feature
// for the features the vfio core's rules (VfioDeviceFeatureCall) pass on. VfioDeviceFile and the generated dispatchers
// of variant drivers (through VfioPciCoreFallback) call them.
public sealed partial class VfioPciCoreDevice
{
    /// <summary><c>VFIO_DEVICE_FLAGS_PCI</c>.</summary>
    public const uint DeviceFlagsPci = 1u << 1;

    /// <summary><c>VFIO_DEVICE_FLAGS_RESET</c>.</summary>
    public const uint DeviceFlagsReset = 1u << 0;

    /// <summary>The core's ioctl op: GET_INFO, RESET, SET_IRQS, PCI_HOT_RESET; anything else <c>-ENOTTY</c>.</summary>
    /// <param name="cmd">The ioctl number.</param>
    /// <param name="arg">The ioctl argument buffer.</param>
    /// <param name="fds">The caller's file descriptors (SET_IRQS eventfds).</param>
    /// <remarks>Runs inside the ioctl bracket: the device is active and the caller holds a runtime-PM reference.</remarks>
    // models vfio_pci_core_ioctl()
    [RequiresPmReference]
    public int CoreIoctl(uint cmd, Span<byte> arg, FileDescriptorTable fds)
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

    /// <summary>The core's feature op: the low-power features and the VF token; anything else <c>-ENOTTY</c>.</summary>
    /// <param name="call">A request that passed <see cref="VfioDeviceFeatureCall.Parse"/>.</param>
    /// <param name="fds">The caller's file descriptors (the wake-up eventfd).</param>
    /// <remarks>Runs inside the ioctl bracket: the device is active and the caller holds a runtime-PM reference.</remarks>
    // models vfio_pci_core_ioctl_feature()
    [RequiresPmReference]
    public int CoreIoctlFeature(in VfioDeviceFeatureCall call, FileDescriptorTable fds)
    {
        switch (call.Feature)
        {
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
                return FeatureLowPowerEntry(call);
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
                return FeatureLowPowerEntryWithWakeup(call, fds);
            case VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
                return FeatureLowPowerExit(call);
            case VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
                return FeatureVfToken(call);
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
    [RequiresPmReference]
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
