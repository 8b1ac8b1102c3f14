using System;
using System.Runtime.CompilerServices;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// A <c>VFIO_DEVICE_FEATURE</c> request that passed the vfio core's header rules: what a driver's feature op sees —
/// the flags, the payload size the user claims (<c>argsz - 8</c>) and the part of the payload the buffer really holds.
/// The one home of those rules: the hand-written <see cref="VfioDeviceFile"/> and the generated dispatchers both use
/// <see cref="Parse"/> and <see cref="Check"/>.
/// </summary>
public readonly ref struct VfioDeviceFeatureCall
{
    private VfioDeviceFeatureCall(uint flags, long claimedPayload, Span<byte> payload)
    {
        Flags = flags;
        ClaimedPayload = claimedPayload;
        Payload = payload;
    }

    /// <summary>The request flags: feature index plus GET/SET/PROBE.</summary>
    public uint Flags { get; }

    /// <summary>The feature index (<c>Flags &amp; VFIO_DEVICE_FEATURE_MASK</c>).</summary>
    public ushort Feature => (ushort)(Flags & VfioUapi.VFIO_DEVICE_FEATURE_MASK);

    /// <summary>The payload size the user claims: <c>argsz - 8</c>.</summary>
    public long ClaimedPayload { get; }

    /// <summary>The payload bytes actually present, at most <see cref="ClaimedPayload"/>.</summary>
    public Span<byte> Payload { get; }

    /// <summary>
    /// True for the features the vfio core serves itself, through the driver's migration or DMA-logging ops (migration,
    /// device state, data size, DMA logging start/stop/report): they never reach a driver's generic feature op.
    /// </summary>
    public bool IsCoreOwned => Feature is VfioUapi.VFIO_DEVICE_FEATURE_MIGRATION
        or VfioUapi.VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE
        or VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_START
        or VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP
        or VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT
        or VfioUapi.VFIO_DEVICE_FEATURE_MIG_DATA_SIZE;

    /// <summary>
    /// Applies the header rules: a buffer shorter than the header → <c>-EFAULT</c>; <c>argsz</c> below the header,
    /// an unknown flag bit, or GET and SET together without PROBE → <c>-EINVAL</c>.
    /// </summary>
    /// <param name="arg">The ioctl argument buffer (header and payload).</param>
    /// <param name="call">The request, when the result is 1.</param>
    /// <returns>1 when the request goes on to the feature; otherwise the errno to return.</returns>
    // models vfio_ioctl_device_feature() up to its feature switch
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Parse(Span<byte> arg, out VfioDeviceFeatureCall call)
    {
        call = default;
        if (!VfioDeviceFeature.TryRead(arg, out var header))
        {
            return -Errno.EFAULT;
        }

        if (header.Argsz < VfioDeviceFeature.Size)
        {
            return -Errno.EINVAL;
        }

        const uint known = VfioUapi.VFIO_DEVICE_FEATURE_MASK | VfioUapi.VFIO_DEVICE_FEATURE_GET
            | VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_PROBE;
        if ((header.Flags & ~known) != 0)
        {
            return -Errno.EINVAL;
        }

        const uint getSet = VfioUapi.VFIO_DEVICE_FEATURE_GET | VfioUapi.VFIO_DEVICE_FEATURE_SET;
        if ((header.Flags & VfioUapi.VFIO_DEVICE_FEATURE_PROBE) == 0 && (header.Flags & getSet) == getSet)
        {
            return -Errno.EINVAL;
        }

        var claimed = (long)header.Argsz - VfioDeviceFeature.Size;
        var present = arg[VfioDeviceFeature.Size..];
        call = new VfioDeviceFeatureCall(header.Flags, claimed, present.Length > claimed ? present[..(int)claimed] : present);
        return 1;
    }

    /// <summary>
    /// The check every feature handler starts with (<see cref="VfioFeatureCheck.Check"/>), then the copy of the
    /// <paramref name="minPayload"/> bytes the handler reads: claimed but not present → <c>-EFAULT</c>.
    /// </summary>
    /// <param name="supported">The feature's directions.</param>
    /// <param name="minPayload">The smallest payload a GET/SET needs.</param>
    /// <returns>1 to go ahead; 0 for a successful PROBE; otherwise the errno to return.</returns>
    // models vfio_check_feature() + the copy_from_user() of the handler's fixed part
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Check(FeatureOps supported, long minPayload)
    {
        var ret = VfioFeatureCheck.Check(Flags, ClaimedPayload, supported, minPayload);
        if (ret != 1)
        {
            return ret;
        }

        return Payload.Length < minPayload ? -Errno.EFAULT : 1;
    }
}
