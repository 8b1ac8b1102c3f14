using System.Linq;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Snapshots;

/// <summary>The emitted code, compared with committed snapshots; each snapshot must also compile without warnings.</summary>
public sealed class EmitterSnapshotTests
{
    [Fact]
    public void FullDriver()
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
        Verify(source, "Acme.Drivers.AcmeDevice.VfioDeviceOps.g.cs");
    }

    [Fact]
    public void NestedGenericWithRuntimePm()
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
        Verify(source, "Outer.Driver_1.VfioDeviceOps.g.cs");
    }

    [Fact]
    public void NoHandlers()
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
        Verify(source, "Empty.Quiet.VfioDeviceOps.g.cs");
    }

    private static void Verify(string source, string hintName, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        var outcome = TestCompilation.Generate(source);
        var generated = outcome.Source(hintName);
        Assert.Empty(TestCompilation.WarningsAndErrors(outcome.Output));
        Assert.Empty(TestCompilation.Analyze(outcome.Output));
        Snapshot.Match(generated, name);
    }
}
