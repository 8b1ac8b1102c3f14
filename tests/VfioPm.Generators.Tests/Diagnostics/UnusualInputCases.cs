using System.Collections.Generic;
using System.Linq;

namespace VfioPm.Generators.Tests.Diagnostics;

/// <summary>One unusual but plausible generator input.</summary>
/// <param name="Name">What it tries (issue 17's item in brackets).</param>
/// <param name="Body">The declarations, after <see cref="UnusualInputCases.Usings"/> and a namespace of its own.</param>
/// <param name="Expected">The VfioDeviceOpsAnalyzer diagnostics as "ID@the source text they point at", in any order.</param>
/// <param name="Files">How many files the generator writes for it.</param>
/// <param name="CompilerErrors">Compiler errors the input itself carries (never inside a generated file).</param>
public sealed record UnusualInput(string Name, string Body, string[] Expected, int Files, string[] CompilerErrors)
{
    public override string ToString() => Name;
}

/// <summary>The inputs of issue 17 that crashed the generator, made it write code that does not compile, or were ignored.</summary>
public static class UnusualInputCases
{
    public const string Usings = """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Runtime.Pci;
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;

        """;

    private const string Pm = "[PmDevice] public Device Device { get; } = new(\"d\");";
    private static readonly string[] None = System.Array.Empty<string>();

    public static IReadOnlyList<UnusualInput> All { get; } = new[]
    {
        // [1] hint names: escaping and case must not make two files share a name (CS8785 and no output at all).
        Case("generic class beside its escaped name", Ops("public partial class Driver<T>", Pm) + "\n" + Ops("public partial class Driver_1", Pm), None, files: 2),
        Case("names differing only in case", Ops("public partial class Nvme", Pm) + "\n" + Ops("public partial class NVMe", Pm), None, files: 2),
        Case("[VfioDeviceOps] on two partial declarations", Ops("public partial class Driver", Pm) + "\n[VfioDeviceOps]\npublic partial class Driver\n{\n}", None, files: 1, "CS0579"),

        // [2] region indexes a non-negative offset cannot carry.
        Case("region index 0x800000", Ops(Pm, "[VfioRegion(0x800000)] private int H(Span<byte> b, long o) => 0;"), new[] { "VPM1005@VfioRegion(0x800000)" }),
        Case("region index 0xFFFFFF", Ops(Pm, "[VfioRegion(0xFFFFFF)] private int H(Span<byte> b, long o) => 0;"), new[] { "VPM1005@VfioRegion(0xFFFFFF)" }),

        // [3] inheritance: one [VfioDeviceOps] class per hierarchy.
        Case(
            "[VfioDeviceOps] deriving from [VfioDeviceOps]",
            Ops("public partial class Base", Pm, "[VfioIoctl(1)] private int A(Span<byte> a) => 0;")
                + "\n" + Ops("public partial class Derived : Base", "[PmDevice] public Device Other { get; } = new(\"o\");", "[VfioIoctl(2)] private int B(Span<byte> a) => 0;"),
            new[] { "VPM1011@Derived" }),
        Case(
            "handlers in a class derived from [VfioDeviceOps] without the attribute",
            Ops("public partial class Base", Pm, "[VfioIoctl(1)] private int A(Span<byte> a) => 0;")
                + "\npublic class Derived : Base\n{\n    [VfioIoctl(2)] private int B(Span<byte> a) => 0;\n}",
            new[] { "VPM1009@B" }),
        Case(
            "plain base class with a Read the generated one would hide",
            "public class Plain\n{\n    public long Read(Span<byte> b, long o) => 0;\n}\n" + Ops("public partial class Driver : Plain", Pm),
            new[] { "VPM1010@Driver" },
            files: 0),
        Case(
            "plain base class with a private Read and a Read overload",
            "public class Plain\n{\n    private long Read(Span<byte> b, long o) => 0;\n    public long Read(byte[] b, long o) => 0;\n}\n" + Ops("public partial class Driver : Plain", Pm),
            None),

        // [4] declarations the generated file cannot name or would clash with.
        Case("[PmDevice] on an indexer", Ops("public partial class Driver", "[PmDevice] public Device this[int i] => null!;"), new[] { "VPM1008@this" }, files: 0),
        Case(
            "[PmDevice] on an explicit interface property",
            "public interface IHasDevice\n{\n    Device Dev { get; }\n}\n" + Ops("public partial class Driver : IHasDevice", "[PmDevice] Device IHasDevice.Dev => null!;"),
            new[] { "VPM1008@Dev" },
            files: 0),
        Case("[field: PmDevice] on an auto-property", Ops("public partial class Driver", "[field: PmDevice] public Device Dev { get; } = new(\"d\");"), None),
        Case("class nested in a file-local type", "file partial class Outer\n{\n" + Ops("public partial class Driver", Pm) + "\n}", new[] { "VPM1001@Driver" }, files: 0),
        Case(
            "keyword-named classes, type parameters and handlers",
            Ops("public partial class @fixed<@in>", Pm, "[VfioIoctl(1)] private int @event(Span<byte> a) => 0;")
                + "\npublic partial class @class\n{\n" + Ops("public partial class @event", "[PmDevice] public static Device @static { get; } = new(\"d\");", "[VfioIoctl(1)] private static int @void(Span<byte> a) => 0;") + "\n}",
            None,
            files: 2),
        Case("class nested in a variant interface (itself CS8427)", "public partial interface IOuter<out T>\n{\n" + Ops("public partial class Driver", Pm) + "\n}", None, 1, "CS8427"),
        Case("class named Read", Ops("public partial class Read", Pm), new[] { "VPM1010@Read" }, files: 0),
        Case("type parameter named Ioctl", Ops("public partial class Driver<Ioctl>", Pm), new[] { "VPM1010@Ioctl" }, files: 0),
        Case(
            "region handlers named Read and Write",
            Ops(Pm, "[VfioRegion(0)] private int Read(Span<byte> b, long o) => 0;", "[VfioRegion(0)] private int Write(ReadOnlySpan<byte> b, long o) => 0;"),
            new[] { "VPM1010@Read", "VPM1010@Write" },
            files: 0),
        Case("a field named Read", Ops(Pm, "public int Read;"), new[] { "VPM1010@Read" }, files: 0),
        Case("a nested type named Ioctl", Ops(Pm, "public sealed class Ioctl { }"), new[] { "VPM1010@Ioctl" }, files: 0),
        Case("a member named VfioPmDeviceFeature", Ops(Pm, "private void VfioPmDeviceFeature() { }"), new[] { "VPM1010@VfioPmDeviceFeature" }, files: 0),
        Case(
            "overloads of the generated names with other parameters",
            Ops(Pm, "public int Ioctl(uint cmd, byte[] arg) => 0;", "public long Read(Span<byte> b, ref long o) => 0;", "public long Write<T>(ReadOnlySpan<byte> b, long o) => 0;"),
            None),

        // [5] what the generated calls must not turn into warnings inside the generated file.
        Case("[Obsolete] handler and [PmDevice]", Ops("public partial class Driver", "[Obsolete] [PmDevice] public Device Device { get; } = new(\"d\");", "[Obsolete(\"old\")] [VfioIoctl(1)] private int H(Span<byte> a) => 0;"), None),
        Case("[Obsolete] handler as an error", Ops(Pm, "[Obsolete(\"gone\", true)] [VfioIoctl(1)] private int H(Span<byte> a) => 0;"), new[] { "VPM1012@H" }),
        Case("[Obsolete] [PmDevice] as an error", Ops("public partial class Driver", "[Obsolete(\"gone\", true)] [PmDevice] public Device Device { get; } = new(\"d\");"), new[] { "VPM1008@Device" }, files: 0),

        // [6] handlers that used to be skipped silently.
        Case(
            "explicit interface implementation as a handler",
            "public interface IReset\n{\n    int Reset(Span<byte> a);\n}\n" + Ops("public partial class Driver : IReset", Pm, "[VfioIoctl(1)] int IReset.Reset(Span<byte> a) => 0;"),
            new[] { "VPM1012@Reset" }),
        Case(
            "local function and lambda as handlers",
            "public delegate int Handler(Span<byte> a);\n" + Ops(Pm, "public Handler Make()\n    {\n        [VfioIoctl(1)] int Local(Span<byte> a) => 0;\n        Handler h = [VfioIoctl(2)] (Span<byte> a) => 1;\n        h += Local;\n        return h;\n    }"),
            new[] { "VPM1012@Local", "VPM1012@(Span<byte> a)" }),

        // [7] a type parameter constrained to Device is a Device.
        Case("[PmDevice] of a type parameter constrained to Device", Ops("public partial class Driver<TDev> where TDev : Device", "[PmDevice] public TDev Dev { get; } = default!;"), None),
        Case("[PmDevice] of a type parameter constrained through another", Ops("public partial class Driver<TBase, TDev> where TBase : PciDevice where TDev : TBase", "[PmDevice] public TDev Dev { get; } = default!;"), None),
        Case("[PmDevice] of an unconstrained type parameter", Ops("public partial class Driver<TDev>", "[PmDevice] public TDev Dev { get; } = default!;"), new[] { "VPM1008@Dev" }, files: 0),

        // [8] implausible MinArgSize; feature ids in hex.
        Case("MinArgSize = int.MaxValue", Ops(Pm, "[VfioFeature(0x8002, FeatureOps.Get, MinArgSize = int.MaxValue)] private int F(uint f, Span<byte> p) => 0;"), new[] { "VPM1014@VfioFeature(0x8002, FeatureOps.Get, MinArgSize = int.MaxValue)" }),
        Case("MinArgSize = 1 MiB", Ops(Pm, "[VfioFeature(0x8002, FeatureOps.Get, MinArgSize = 1 << 20)] private int F(uint f, Span<byte> p) => 0;"), None),
    };

    // A [VfioDeviceOps] class: the first argument is the declaration line when it contains "class", else a member.
    private static string Ops(params string[] parts)
    {
        var isHeader = parts[0].Contains(" class ", System.StringComparison.Ordinal);
        var header = isHeader ? parts[0] : "public partial class Driver";
        var members = isHeader ? parts.Skip(1) : parts;
        return "[VfioDeviceOps]\n" + header + "\n{\n" + string.Join("\n", members.Select(m => "    " + m)) + "\n}";
    }

    private static UnusualInput Case(string name, string body, string[] expected, int files = 1, params string[] compilerErrors) =>
        new(name, body, expected, files, compilerErrors);
}
