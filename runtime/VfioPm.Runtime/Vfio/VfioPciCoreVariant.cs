using System;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// A variant driver's device file built on a <see cref="VfioPciCoreDevice"/>: what the generated dispatchers fall back
/// to for the ioctls and features the class has no handler for, as kernel variant drivers end their switches with
/// <c>vfio_pci_core_ioctl()</c> and <c>vfio_pci_core_ioctl_feature()</c>.
/// </summary>
public interface IVfioPciCoreVariant
{
    /// <summary>The core device the variant extends.</summary>
    VfioPciCoreDevice CoreDevice { get; }

    /// <summary>The owning process's file descriptors (eventfds named in core ioctls are resolved here).</summary>
    FileDescriptorTable Fds { get; }
}

/// <summary>The fallbacks the generated <c>default:</c> arms call (the vfio-pci core's own handling).</summary>
public static class VfioPciCoreFallback
{
    /// <summary>An ioctl the variant has no handler for: the core's, when <paramref name="device"/> is an <see cref="IVfioPciCoreVariant"/>.</summary>
    /// <returns>The core's result, or <c>-ENOTTY</c>.</returns>
    /// <remarks>Called inside the ioctl bracket (runtime-PM reference held).</remarks>
    // models a variant driver's "default: return vfio_pci_core_ioctl(core_vdev, cmd, arg);"
    [RequiresPmReference("device")]
    public static int Ioctl(object device, uint cmd, Span<byte> arg) =>
        device is IVfioPciCoreVariant variant ? variant.CoreDevice.CoreIoctl(cmd, arg, variant.Fds) : -Errno.ENOTTY;

    /// <summary>
    /// A feature the variant has no handler for: <c>-ENOTTY</c> for the vfio core's own features (they are served only
    /// through migration/logging ops, never a feature op); otherwise the core's feature op when there is a core.
    /// </summary>
    /// <returns>The core's result, or <c>-ENOTTY</c>.</returns>
    /// <remarks>Called inside the ioctl bracket (runtime-PM reference held).</remarks>
    // models vfio_ioctl_device_feature()'s default arm -> vfio_pci_core_ioctl_feature()
    [RequiresPmReference("device")]
    public static int DeviceFeature(object device, in VfioDeviceFeatureCall call) =>
        !call.IsCoreOwned && device is IVfioPciCoreVariant variant
            ? variant.CoreDevice.CoreIoctlFeature(call, variant.Fds)
            : -Errno.ENOTTY;
}
