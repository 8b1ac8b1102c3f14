using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using VfioPm.Generators.Diagnostics;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Diagnostics;

/// <summary>
/// VPM1001..VPM1009 from the companion analyzer, through CSharpAnalyzerTest with the generator running: each one
/// reported exactly where expected and alone (positive), none for the corrected code (negative). In both cases the
/// generator's output must compile without warnings: it skips what the analyzer flags.
/// </summary>
public sealed class GeneratorDiagnosticsTests
{
    private const string Usings = """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Runtime.Pci;
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;

        namespace Probe;

        """;

    private const string Pm = "[PmDevice] public Device Device { get; } = new(\"d\");";

    // (case, source, id, the source text the diagnostic must point at)
    public static TheoryData<string, string, string, string> Positives => new()
    {
        { "not partial", Ops("public class Driver", Pm), "VPM1001", "Driver" },
        { "static", Ops("public static partial class Driver", "[PmDevice] public static Device Device { get; } = new(\"d\");"), "VPM1001", "Driver" },
        { "file-local", Ops("file partial class Driver", Pm), "VPM1001", "Driver" },
        { "containing type not partial", "public class Outer\n{\n" + Ops("public partial class Driver", Pm) + "\n}", "VPM1001", "Driver" },
        { "ioctl with ReadOnlySpan", Ops(Pm, "[VfioIoctl(0x3B6F)] private int H(ReadOnlySpan<byte> arg) => 0;"), "VPM1002", "H" },
        { "ioctl returning long", Ops(Pm, "[VfioIoctl(0x3B6F)] private long H(Span<byte> arg) => 0;"), "VPM1002", "H" },
        { "generic ioctl", Ops(Pm, "[VfioIoctl(0x3B6F)] private int H<T>(Span<byte> arg) => 0;"), "VPM1002", "H" },
        { "feature without flags", Ops(Pm, "[VfioFeature(3, FeatureOps.Set)] private int H(Span<byte> payload) => 0;"), "VPM1002", "H" },
        { "feature with int flags", Ops(Pm, "[VfioFeature(3, FeatureOps.Set)] private int H(int flags, Span<byte> payload) => 0;"), "VPM1002", "H" },
        { "region, one handler with isWrite", Ops(Pm, "[VfioRegion(0)] private int H(Span<byte> b, long o, bool isWrite) => 0;"), "VPM1002", "H" },
        { "region with int offset", Ops(Pm, "[VfioRegion(0)] private int H(Span<byte> b, int o) => 0;"), "VPM1002", "H" },
        { "region with ref offset", Ops(Pm, "[VfioRegion(0)] private int H(Span<byte> b, ref long o) => 0;"), "VPM1002", "H" },
        { "two ioctls for one cmd", Ops(Pm, "[VfioIoctl(0x3B6F)] private int A(Span<byte> a) => 0;", "[VfioIoctl(VfioUapi.VFIO_DEVICE_RESET)] private int B(Span<byte> a) => 1;"), "VPM1003", "VfioIoctl(VfioUapi.VFIO_DEVICE_RESET)" },
        { "two features for one id", Ops(Pm, "[VfioFeature(3, FeatureOps.Set)] private int A(uint f, Span<byte> p) => 0;", "[VfioFeature(3, FeatureOps.Get)] private int B(uint f, Span<byte> p) => 0;"), "VPM1003", "VfioFeature(3, FeatureOps.Get)" },
        { "two readers for one region", Ops(Pm, "[VfioRegion(9)] private int A(Span<byte> b, long o) => 0;", "[{|VPM1003:VfioRegion(9)|}] private long B(Span<byte> b, long o) => 0;"), "VPM1003", "VfioRegion(9)" },
        { "feature ops None", Ops(Pm, "[VfioFeature(3, FeatureOps.None)] private int H(uint f, Span<byte> p) => 0;"), "VPM1004", "VfioFeature(3, FeatureOps.None)" },
        { "feature ops with PROBE bit", Ops(Pm, "[VfioFeature(3, FeatureOps.Set | (FeatureOps)0x40000)] private int H(uint f, Span<byte> p) => 0;"), "VPM1004", "VfioFeature(3, FeatureOps.Set | (FeatureOps)0x40000)" },
        { "negative MinArgSize", Ops(Pm, "[VfioFeature(3, FeatureOps.Set, MinArgSize = -1)] private int H(uint f, Span<byte> p) => 0;"), "VPM1004", "VfioFeature(3, FeatureOps.Set, MinArgSize = -1)" },
        { "ioctl shadowed by the feature dispatch", Ops(Pm, "[VfioIoctl(VfioUapi.VFIO_DEVICE_FEATURE)] private int H(Span<byte> a) => 0;"), "VPM1005", "VfioIoctl(VfioUapi.VFIO_DEVICE_FEATURE)" },
        { "negative region index", Ops(Pm, "[VfioRegion(-1)] private int H(Span<byte> b, long o) => 0;"), "VPM1005", "VfioRegion(-1)" },
        { "region index past 24 bits", Ops(Pm, "[VfioRegion(0x1000000)] private int H(Span<byte> b, long o) => 0;"), "VPM1005", "VfioRegion(0x1000000)" },
        { "region index only a negative offset carries", Ops(Pm, "[VfioRegion(0x800000)] private int H(Span<byte> b, long o) => 0;"), "VPM1005", "VfioRegion(0x800000)" },
        { "no [PmDevice]", Ops("public partial class Driver", "public Device Device { get; } = new(\"d\");"), "VPM1006", "Driver" },
        { "two [PmDevice]", Ops(Pm, "[PmDevice] public Device Other { get; } = new(\"o\");"), "VPM1007", "Other" },
        { "[PmDevice] of type object", Ops("public partial class Driver", "[PmDevice] public object Device { get; } = new();"), "VPM1008", "Device" },
        { "[PmDevice] nullable", Ops("public partial class Driver", "[PmDevice] public Device? {|VPM1008:Device|} { get; set; }"), "VPM1008", "Device" },
        { "[PmDevice] write-only", Ops("public partial class Driver", "[PmDevice] public Device {|VPM1008:Device|} { set { } }"), "VPM1008", "Device" },
        { "handler outside [VfioDeviceOps]", "public class Plain\n{\n    [VfioIoctl(0x3B6F)] private int H(Span<byte> a) => 0;\n}", "VPM1009", "H" },
    };

    public static TheoryData<string, string> Negatives => new()
    {
        { "partial", Ops(Pm) },
        { "record", Ops("public partial record Driver", Pm, "[VfioIoctl(0x3B6F)] private int I(Span<byte> arg) => 0;") },
        { "nested in partial", "public partial class Outer\n{\n" + Ops("public partial class Driver", Pm) + "\n}" },
        { "every accepted handler shape", Ops(
            Pm,
            "[VfioIoctl(0x3B6F)] private int I(Span<byte> arg) => 0;",
            "[VfioIoctl(0x3B6B)] private static int S(Span<byte> arg) => 0;",
            "[VfioFeature(3, FeatureOps.Set)] private int F(uint flags, Span<byte> payload) => 0;",
            "[VfioRegion(0)] private int R(Span<byte> b, long o) => 0;",
            "[VfioRegion(0)] private long W(ReadOnlySpan<byte> b, long o) => 0;") },
        { "read and write of one region", Ops(Pm, "[VfioRegion(9)] private int A(Span<byte> b, long o) => 0;", "[VfioRegion(9)] private int B(ReadOnlySpan<byte> b, long o) => 0;") },
        { "same number as ioctl and as feature", Ops(Pm, "[VfioIoctl(3)] private int A(Span<byte> a) => 0;", "[VfioFeature(3, FeatureOps.Get | FeatureOps.Set, MinArgSize = 0)] private int B(uint f, Span<byte> p) => 0;") },
        { "largest region index", Ops(Pm, "[VfioRegion(0x7FFFFF)] private int H(Span<byte> b, long o) => 0;") },
        { "[PmDevice] PciDevice field", Ops("public partial class Driver", "[PmDevice] private readonly PciDevice _pdev = null!;") },
        { "[PmDevice] RuntimePm", Ops("public partial class Driver", "[PmDevice] private readonly RuntimePm _pm = new Device(\"d\").Power;") },
        { "plain class without handlers", "public class Plain\n{\n    private int H(Span<byte> a) => 0;\n}" },
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public async Task Reported(string because, string source, string id, string at)
    {
        // The diagnostic must sit exactly on 'at' and be the only one: its first occurrence as a whole word, unless the
        // case marks the place itself ({|id:at|}).
        var markup = source;
        if (!source.Contains("{|", System.StringComparison.Ordinal))
        {
            var position = Regex.Match(source, $@"(?<![\w.]){Regex.Escape(at)}(?!\w)");
            Assert.True(position.Success, because);
            markup = source[..position.Index] + "{|" + id + ":" + at + "|}" + source[(position.Index + at.Length)..];
        }

        Assert.Contains("{|" + id + ":" + at + "|}", markup, System.StringComparison.Ordinal);
        await new VfioPmGeneratorAnalyzerTest { TestCode = Usings + markup }.RunAsync();

        var descriptor = new VfioDeviceOpsAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);
        Assert.Equal("https://github.com/vfiopm/vfiopm/blob/main/docs/rules/" + id + ".md", descriptor.HelpLinkUri);
    }

    [Theory]
    [MemberData(nameof(Negatives))]
    public Task NotReported(string because, string source)
    {
        _ = because;
        return new VfioPmGeneratorAnalyzerTest { TestCode = Usings + source }.RunAsync();
    }

    [Fact]
    public void DuplicateHandlerKeepsTheFirstAndGeneratesNoSecondCase()
    {
        var outcome = TestCompilation.Generate(Usings + Ops(Pm,
            "[VfioIoctl(0x3B6F)] private int First(Span<byte> a) => 0;",
            "[VfioIoctl(0x3B6F)] private int Second(Span<byte> a) => 1;"));

        Assert.Contains("this.First(arg)", outcome.SingleSource, System.StringComparison.Ordinal);
        Assert.DoesNotContain("this.Second(arg)", outcome.SingleSource, System.StringComparison.Ordinal);
    }

    [Fact]
    public void NothingIsGeneratedForAClassTheAnalyzerRejects()
    {
        var outcome = TestCompilation.Generate(Usings + Ops("public partial class Driver", "public Device Device { get; } = new(\"d\");"));
        Assert.Empty(outcome.RunResult.GeneratedTrees);
    }

    // A [VfioDeviceOps] class: the first argument is the declaration line when it contains "class" or "record", else a member.
    private static string Ops(params string[] parts)
    {
        var isHeader = parts[0].Contains(" class ", System.StringComparison.Ordinal) || parts[0].Contains(" record ", System.StringComparison.Ordinal)
            || parts[0].StartsWith("file ", System.StringComparison.Ordinal);
        var header = isHeader ? parts[0] : "public partial class Driver";
        var members = isHeader ? parts.Skip(1) : parts;
        return "[VfioDeviceOps]\n" + header + "\n{\n" + string.Join("\n", members.Select(m => "    " + m)) + "\n}";
    }
}
