using Microsoft.CodeAnalysis;

namespace VfioPm.Generators.Diagnostics;

/// <summary>
/// The generator's diagnostics (VPM1001..VPM1014, category <c>VfioPm.Generator</c>). They are reported by
/// <see cref="VfioDeviceOpsAnalyzer"/>, never from the generator pipeline; the generator silently skips what they flag.
/// </summary>
internal static class Descriptors
{
    public const string Category = "VfioPm.Generator";
    public const string HelpBase = "https://github.com/vfiopm/vfiopm/blob/main/docs/rules/";

    /// <summary>VPM1001: "[VfioDeviceOps] type '{0}' cannot be extended by the generator: {1}".</summary>
    public static readonly DiagnosticDescriptor TypeNotPartial = Rule(
        "VPM1001", DiagnosticSeverity.Error,
        "[VfioDeviceOps] class must be a non-static partial class",
        "[VfioDeviceOps] type '{0}' cannot be extended by the generator: {1}",
        "The generator adds Ioctl, Read and Write to the class in a second partial declaration, so the class and every type containing it must be declared partial, and the class must be neither static nor file-local.");

    /// <summary>VPM1002: "'{0}' does not have a [{1}] handler signature: expected {2}".</summary>
    public static readonly DiagnosticDescriptor BadHandlerSignature = Rule(
        "VPM1002", DiagnosticSeverity.Error,
        "Handler signature not accepted",
        "'{0}' does not have a [{1}] handler signature: expected {2}",
        "The generated dispatcher calls handlers with fixed arguments: [VfioIoctl] int H(Span<byte> arg); [VfioFeature] int H(uint flags, Span<byte> payload); [VfioRegion] int-or-long H(Span<byte> buffer, long offset) for reads and int-or-long H(ReadOnlySpan<byte> buffer, long offset) for writes. Non-generic, no ref/out/in parameters.");

    /// <summary>VPM1003: "'{0}' handles {1}, which '{2}' already handles".</summary>
    public static readonly DiagnosticDescriptor DuplicateHandler = Rule(
        "VPM1003", DiagnosticSeverity.Error,
        "Two handlers for one ioctl, feature or region",
        "'{0}' handles {1}, which '{2}' already handles",
        "Each ioctl number, feature index and (region index, direction) pair has one case in the generated switch; a second handler would never run.");

    /// <summary>VPM1004: "[VfioFeature({0})] on '{1}': {2}".</summary>
    public static readonly DiagnosticDescriptor InvalidFeature = Rule(
        "VPM1004", DiagnosticSeverity.Error,
        "Feature declaration makes no sense",
        "[VfioFeature({0})] on '{1}': {2}",
        "A feature supports GET, SET or both (FeatureOps.Get | FeatureOps.Set); with no direction every request fails vfio_check_feature, and other bits are not directions. MinArgSize is a byte count and cannot be negative.");

    /// <summary>VPM1005: "'{0}' is never called: {1}".</summary>
    public static readonly DiagnosticDescriptor UnreachableHandler = Rule(
        "VPM1005", DiagnosticSeverity.Warning,
        "Handler can never be reached",
        "'{0}' is never called: {1}",
        "The generated Ioctl handles VFIO_DEVICE_FEATURE itself (header checks, then the [VfioFeature] handlers), so a [VfioIoctl] for that number is shadowed; a region index outside 0..0x7FFFFF cannot be reached: bits 40..63 of a non-negative file offset carry it, and a negative offset is refused with -EINVAL before any handler.");

    /// <summary>VPM1006: "'{0}' has no [PmDevice] member".</summary>
    public static readonly DiagnosticDescriptor MissingPmDevice = Rule(
        "VPM1006", DiagnosticSeverity.Error,
        "No [PmDevice] member",
        "'{0}' has no [PmDevice] member: the generated dispatchers need the device they resume before a handler and put after it",
        "Mark exactly one field or property of type VfioPm.Runtime.Power.Device (or a derived type such as PciDevice) or VfioPm.Runtime.Power.RuntimePm with [PmDevice].");

    /// <summary>VPM1007: "'{0}' has more than one [PmDevice] member: '{1}' and '{2}'".</summary>
    public static readonly DiagnosticDescriptor MultiplePmDevices = Rule(
        "VPM1007", DiagnosticSeverity.Error,
        "More than one [PmDevice] member",
        "'{0}' has more than one [PmDevice] member: '{1}' and '{2}'",
        "The generated get/put bracket holds one device's usage count; with two candidates it is ambiguous which one a handler runs under.");

    /// <summary>VPM1008: "[PmDevice] member '{0}' cannot be used: {1}".</summary>
    public static readonly DiagnosticDescriptor BadPmDevice = Rule(
        "VPM1008", DiagnosticSeverity.Error,
        "[PmDevice] member has the wrong type",
        "[PmDevice] member '{0}' cannot be used: {1}",
        "The generated code calls ResumeAndGet() and Put() on the member: it must be a readable, non-nullable VfioPm.Runtime.Power.Device (or derived) or VfioPm.Runtime.Power.RuntimePm.");

    /// <summary>VPM1009: "'{0}' is marked [{1}] but '{2}' has no [VfioDeviceOps]: nothing calls it".</summary>
    public static readonly DiagnosticDescriptor HandlerOutsideDeviceOps = Rule(
        "VPM1009", DiagnosticSeverity.Warning,
        "Handler outside a [VfioDeviceOps] class",
        "'{0}' is marked [{1}] but '{2}' has no [VfioDeviceOps]: nothing calls it",
        "The generator only reads handlers declared in a class marked [VfioDeviceOps]; elsewhere the attribute has no effect.");

    /// <summary>VPM1010: "'{0}' conflicts with the generated {1}: {2}".</summary>
    public static readonly DiagnosticDescriptor ReservedName = Rule(
        "VPM1010", DiagnosticSeverity.Error,
        "Name taken by the generated members",
        "'{0}' conflicts with the generated {1}: {2}",
        "The generator adds Ioctl(uint, Span<byte>), Read(Span<byte>, long), Write(ReadOnlySpan<byte>, long) and the private VfioPmDeviceFeature to the class. A member with one of those signatures (or a non-method member of one of those names, or any member named VfioPmDeviceFeature), a class or type parameter of one of those names, or a visible base-class member they would hide, makes the generated file fail to compile; nothing is generated for the class.");

    /// <summary>VPM1011: "'{0}' derives from [VfioDeviceOps] class '{1}': ...".</summary>
    public static readonly DiagnosticDescriptor DerivedDeviceOps = Rule(
        "VPM1011", DiagnosticSeverity.Error,
        "[VfioDeviceOps] class derives from another [VfioDeviceOps] class",
        "'{0}' derives from [VfioDeviceOps] class '{1}': one class of a hierarchy owns the dispatchers; declare the handlers there, or drop [VfioDeviceOps] from '{0}' and call its handlers from the base class",
        "Each [VfioDeviceOps] class gets non-virtual Ioctl, Read and Write that dispatch over its own handlers; a second set in a derived class would hide the first (CS0108) and each dispatcher would see only half of the handlers. Nothing is generated for the derived class; it inherits the base class's dispatchers.");

    /// <summary>VPM1012: "'{0}' is marked [{1}] but the generated code cannot call it: {2}".</summary>
    public static readonly DiagnosticDescriptor UncallableHandler = Rule(
        "VPM1012", DiagnosticSeverity.Warning,
        "Handler the generated code cannot call",
        "'{0}' is marked [{1}] but the generated code cannot call it: {2}",
        "The generated dispatchers call ordinary methods of the class by name. An explicit interface implementation, a local function, a lambda, an accessor or operator, or a method marked [Obsolete(..., true)] cannot be called that way; the handler is ignored.");

    /// <summary>VPM1013: "'{0}' needs C# 8 or later: the project uses C# {1}".</summary>
    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Rule(
        "VPM1013", DiagnosticSeverity.Error,
        "C# language version below 8",
        "[VfioDeviceOps] class '{0}' needs C# 8 or later, but the project uses C# {1}: the generated code uses nullable annotations",
        "The generated file starts with #nullable enable and uses C# 8 syntax. Below C# 8 nothing is generated; set <LangVersion> to 8 or later (the .NET 6+ SDK default is newer).");

    /// <summary>VPM1014: "[VfioFeature({0})] on '{1}': MinArgSize {2} is larger than any feature payload (limit {3})".</summary>
    public static readonly DiagnosticDescriptor HugeMinArgSize = Rule(
        "VPM1014", DiagnosticSeverity.Warning,
        "MinArgSize larger than any feature payload",
        "[VfioFeature({0})] on '{1}': MinArgSize {2} is larger than any feature payload (limit {3} bytes); every request with a smaller argsz fails with -EINVAL",
        "Feature payloads are fixed structures of a few bytes to a few KiB; bulk data travels by a pointer inside the payload, as VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT's bitmap does. A MinArgSize above 1 MiB is almost certainly a typo or a sentinel such as int.MaxValue, and makes every GET and SET of the feature fail.");

    private static DiagnosticDescriptor Rule(string id, DiagnosticSeverity severity, string title, string message, string description) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, description, HelpBase + id + ".md");
}
