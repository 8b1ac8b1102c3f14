using VfioPm.Annotations;

namespace VfioPm.Runtime.Vfio;

/// <summary>The per-feature argument check every device-feature handler starts with.</summary>
public static class VfioFeatureCheck
{
    /// <summary>
    /// Checks a feature request: a requested direction the feature lacks → <c>-EINVAL</c>; PROBE → 0 (stop, supported);
    /// neither GET nor SET → <c>-EINVAL</c>; payload shorter than <paramref name="minPayload"/> → <c>-EINVAL</c>;
    /// otherwise 1 ("go ahead"). Callers return any result other than 1.
    /// </summary>
    /// <param name="flags">The request flags (index bits ignored).</param>
    /// <param name="payloadSize">Bytes after the 8-byte header (<c>argsz - 8</c>).</param>
    /// <param name="supported">The feature's directions.</param>
    /// <param name="minPayload">The smallest payload a GET/SET needs.</param>
    // models vfio_check_feature()
    public static int Check(uint flags, long payloadSize, FeatureOps supported, long minPayload)
    {
        var requested = flags & (VfioUapi.VFIO_DEVICE_FEATURE_GET | VfioUapi.VFIO_DEVICE_FEATURE_SET);
        if ((requested & ~(uint)supported) != 0)
        {
            return -Errno.EINVAL;
        }

        if ((flags & VfioUapi.VFIO_DEVICE_FEATURE_PROBE) != 0)
        {
            return 0;
        }

        if (requested == 0)
        {
            return -Errno.EINVAL;
        }

        if (payloadSize < minPayload)
        {
            return -Errno.EINVAL;
        }

        return 1;
    }
}
