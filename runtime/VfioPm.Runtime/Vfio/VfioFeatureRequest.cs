using System;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// Builds <c>VFIO_DEVICE_FEATURE</c> ioctl buffers: the 8-byte header with <c>argsz</c> set to the whole length,
/// followed by the payload — what user space (QEMU, a test, a sample) hands to the ioctl.
/// </summary>
public static class VfioFeatureRequest
{
    /// <summary>Builds a buffer of header + <paramref name="payload"/> with <c>argsz</c> = its total length.</summary>
    /// <param name="flags">Feature index ORed with <c>VFIO_DEVICE_FEATURE_GET/SET/PROBE</c>.</param>
    /// <param name="payload">The feature data copied after the header (may be empty).</param>
    /// <returns>A new buffer of <c>8 + payload.Length</c> bytes.</returns>
    public static byte[] Build(uint flags, ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[VfioDeviceFeature.Size + payload.Length];
        new VfioDeviceFeature((uint)buffer.Length, flags).Write(buffer);
        payload.CopyTo(buffer.AsSpan(VfioDeviceFeature.Size));
        return buffer;
    }

    /// <summary>Builds a header-only buffer (features 3 and 5, and probes): <c>argsz</c> = 8.</summary>
    /// <param name="flags">Feature index ORed with <c>VFIO_DEVICE_FEATURE_GET/SET/PROBE</c>.</param>
    /// <returns>A new 8-byte buffer.</returns>
    public static byte[] Build(uint flags) => Build(flags, ReadOnlySpan<byte>.Empty);

    /// <summary>
    /// Builds a <c>VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP</c> buffer whose payload is a
    /// <see cref="VfioDeviceLowPowerEntryWithWakeup"/> (argsz = 16).
    /// </summary>
    /// <param name="wakeupEventfd">The eventfd file descriptor to signal on wake-up.</param>
    /// <param name="reserved">The reserved word (the kernel ignores it).</param>
    /// <returns>A new 16-byte buffer.</returns>
    // A distinct name rather than a Build overload, so Build(flags, default) stays unambiguous.
    public static byte[] BuildLowPowerEntryWithWakeup(int wakeupEventfd, uint reserved = 0)
    {
        Span<byte> data = stackalloc byte[VfioDeviceLowPowerEntryWithWakeup.Size];
        new VfioDeviceLowPowerEntryWithWakeup(wakeupEventfd, reserved).Write(data);
        return Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, data);
    }
}
