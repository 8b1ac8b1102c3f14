using System.IO;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Snapshots;

/// <summary>
/// The emitted code, compared with committed snapshots (Verify's file convention) and checked through the standard
/// Roslyn generator test: the snapshot is the whole output, and it compiles without warnings.
/// </summary>
public sealed class EmitterSnapshotTests
{
    [Fact]
    public Task FullDriver()
    {
        const string source = """
            using System;
            using VfioPm.Annotations;
            using VfioPm.Runtime;
            using VfioPm.Runtime.Pci;
            using VfioPm.Runtime.Vfio;

            namespace Acme.Drivers;

            [VfioDeviceOps]
            public sealed partial class AcmeDevice
            {
                public AcmeDevice(PciDevice pdev) => Pdev = pdev;

                [PmDevice]
                public PciDevice Pdev { get; }

                [VfioIoctl(VfioUapi.VFIO_DEVICE_RESET)]
                private int Reset(Span<byte> arg) => Pdev.ResetFunction();

                [VfioIoctl(VfioUapi.VFIO_DEVICE_GET_INFO)]
                private static int GetInfo(Span<byte> arg) => 0;

                [VfioFeature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, FeatureOps.Set)]
                private int LowPowerEntry(uint flags, Span<byte> payload) => 0;

                [VfioFeature(0x8000, FeatureOps.Get | FeatureOps.Set, MinArgSize = 8)]
                private int Telemetry(uint flags, Span<byte> payload) => 0;

                [VfioFeature(VfioUapi.VFIO_DEVICE_FEATURE_MIGRATION, FeatureOps.Get, MinArgSize = 8)]
                private int Migration(uint flags, Span<byte> payload) => 0;

                [VfioRegion(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX)]
                private int ReadBar0(Span<byte> buffer, long offset) => Pdev.ReadBar(0, offset, buffer);

                [VfioRegion(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX)]
                private int WriteBar0(ReadOnlySpan<byte> buffer, long offset) => Pdev.WriteBar(0, offset, buffer);

                [VfioRegion(VfioUapi.VFIO_PCI_NUM_REGIONS)]
                private long ReadMailbox(Span<byte> buffer, long offset) => buffer.Length;

                [VfioRegion(VfioUapi.VFIO_PCI_NUM_REGIONS + 1)]
                private long WriteDoorbell(ReadOnlySpan<byte> buffer, long offset) => buffer.Length;
            }
            """;
        return VerifyAsync(source, "Acme.Drivers.AcmeDevice.VfioDeviceOps.g.cs");
    }

    [Fact]
    public Task NestedGenericWithRuntimePm()
    {
        const string source = """
            using System;
            using VfioPm.Annotations;
            using VfioPm.Runtime.Power;

            public static partial class Outer
            {
                [VfioDeviceOps]
                internal partial class Driver<T>
                {
                    [PmDevice]
                    private readonly RuntimePm _pm;

                    public Driver(RuntimePm pm) => _pm = pm;

                    [VfioIoctl(0x3B6F)]
                    private int @event(Span<byte> arg) => 0;
                }
            }
            """;
        return VerifyAsync(source, "Outer.Driver_1.VfioDeviceOps.g.cs");
    }

    [Fact]
    public Task NoHandlers()
    {
        const string source = """
            using VfioPm.Annotations;
            using VfioPm.Runtime.Power;

            namespace Empty
            {
                [VfioDeviceOps]
                public partial class Quiet
                {
                    [PmDevice]
                    public static Device Shared = new("shared");
                }
            }
            """;
        return VerifyAsync(source, "Empty.Quiet.VfioDeviceOps.g.cs");
    }

    // The snapshot first (a mismatch leaves a .received.cs to review, in Verify's convention), then the standard
    // SourceGeneratorTest: exactly this one generated file with the verified text, no generator diagnostic, and a
    // compilation without warnings; last, VfioPm's own analyzers find nothing in the generated code.
    private static async Task VerifyAsync(string source, string hintName, [CallerMemberName] string name = "", [CallerFilePath] string testFile = "")
    {
        var outcome = TestCompilation.Generate(source);
        Snapshot.Match(outcome.Source(hintName), name, testFile);

        var verified = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Repository.SourcePath(testFile))!, $"{nameof(EmitterSnapshotTests)}.{name}.verified.cs"));
        // The inputs carry no doc comments (the generated file's are checked: documentation mode is on).
        var test = new VfioPmGeneratorTest { TestCode = "#pragma warning disable CS1591\n" + source };
        test.TestState.GeneratedSources.Add((typeof(VfioDeviceOpsGenerator), hintName, verified));
        await test.RunAsync();

        Assert.Empty(TestCompilation.Analyze(outcome.Output));
    }
}
