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

    /// <summary>The largest region index a non-negative file offset can carry: bits 40..62 (bit 63 makes it negative, which the VFS refuses).</summary>
    public const int MaxRegionIndex = 0x7F_FFFF;

    /// <summary>The largest MinArgSize accepted without VPM1014: 1 MiB, far above any fixed feature payload.</summary>
    public const int MaxPlausibleMinArgSize = 1 << 20;

    /// <summary>The lowest C# version the generated code compiles under (<c>#nullable enable</c>).</summary>
    public const int MinimumLanguageVersion = 8;

    /// <summary>The members the generator adds to every [VfioDeviceOps] class (VPM1010 guards their names).</summary>
    public const string IoctlMember = "Ioctl";
    public const string ReadMember = "Read";
    public const string WriteMember = "Write";
    public const string DeviceFeatureMember = "VfioPmDeviceFeature";
}
