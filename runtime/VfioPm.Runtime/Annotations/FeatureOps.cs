using System;

namespace VfioPm.Annotations;

/// <summary>
/// Directions a device feature supports. The values are the uAPI's <c>VFIO_DEVICE_FEATURE_GET</c> and
/// <c>VFIO_DEVICE_FEATURE_SET</c> bits, so generated code tests them against the ioctl's flags directly.
/// </summary>
[Flags]
public enum FeatureOps : uint
{
    /// <summary>No direction (never valid on a handler).</summary>
    None = 0,

    /// <summary><c>VFIO_DEVICE_FEATURE_GET</c> (1 &lt;&lt; 16).</summary>
    Get = 0x0001_0000,

    /// <summary><c>VFIO_DEVICE_FEATURE_SET</c> (1 &lt;&lt; 17).</summary>
    Set = 0x0002_0000,
}
