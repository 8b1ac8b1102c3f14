namespace VfioPm.Generators;

/// <summary>
/// The metadata names the generator and its analyzer match. The generator never references the runtime assembly: it
/// matches attributes and types by name, and the code it writes names runtime types with <c>global::</c>.
/// </summary>
internal static class KnownNames
{
    public const string AnnotationsNamespace = "VfioPm.Annotations";
    public const string PowerNamespace = "VfioPm.Runtime.Power";

    public const string DeviceOpsAttribute = "VfioDeviceOpsAttribute";
    public const string DeviceOpsAttributeMetadataName = AnnotationsNamespace + "." + DeviceOpsAttribute;
    public const string IoctlAttribute = "VfioIoctlAttribute";
    public const string FeatureAttribute = "VfioFeatureAttribute";
    public const string RegionAttribute = "VfioRegionAttribute";
    public const string PmDeviceAttribute = "PmDeviceAttribute";

    public const string DeviceType = "Device";
    public const string RuntimePmType = "RuntimePm";

    /// <summary><c>VFIO_DEVICE_FEATURE</c> = <c>_IO(';', 100 + 17)</c>: the generated Ioctl always handles it itself.</summary>
    public const uint VfioDeviceFeature = 0x3B75;

    /// <summary><c>VFIO_DEVICE_FEATURE_GET</c> | <c>VFIO_DEVICE_FEATURE_SET</c>: the only meaningful FeatureOps bits.</summary>
    public const uint FeatureGetSet = 0x0003_0000;

    /// <summary>The largest region index a file offset can carry: 64 - 40 = 24 bits.</summary>
    public const int MaxRegionIndex = 0xFF_FFFF;
}
