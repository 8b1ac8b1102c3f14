using System;
using System.Buffers.Binary;
using VfioPm.Generators.Tests.TestKit;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Generators.Tests.Behaviour;

/// <summary>
/// A generated variant driver over a vfio-pci core device: commands and features without a handler fall back to the
/// core (vfio_pci_core_ioctl / vfio_pci_core_ioctl_feature), the vfio core's own features stay -ENOTTY
/// (vfio_ioctl_device_feature), and every answer matches the hand-written VfioDeviceFile, which uses the same runtime
/// rules (VfioDeviceFeatureCall).
/// </summary>
public sealed class CoreFallbackBehaviourTests : IClassFixture<CoreFallbackBehaviourTests.Drivers>, IDisposable
{
    private const uint Get = VfioUapi.VFIO_DEVICE_FEATURE_GET;
    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
    private const uint Probe = VfioUapi.VFIO_DEVICE_FEATURE_PROBE;
    private const ushort Vendor = 0x8001;

    internal const string Source = """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Generators.Tests.TestKit;
        using VfioPm.Runtime.Pci;
        using VfioPm.Runtime.Vfio;

        namespace Probe;

        [VfioDeviceOps]
        public sealed partial class VariantOnCore : IGeneratedFile, IVfioPciCoreVariant
        {
            public VariantOnCore(VfioPciCoreDevice core, FileDescriptorTable fds)
            {
                CoreDevice = core;
                Fds = fds;
            }

            public VfioPciCoreDevice CoreDevice { get; }

            public FileDescriptorTable Fds { get; }

            [PmDevice]
            public PciDevice Pdev => CoreDevice.Pdev;

            [VfioFeature(0x8001, FeatureOps.Get, MinArgSize = 4)]
            private int Vendor(uint flags, Span<byte> payload)
            {
                payload[0] = 42;
                return 0;
            }
        }

        [VfioDeviceOps]
        public sealed partial class Standalone : IGeneratedFile
        {
            public Standalone(PciDevice pdev) => Pdev = pdev;

            [PmDevice]
            public PciDevice Pdev { get; }
        }
        """;

    private readonly GeneratedAssembly _assembly;
    private readonly SimulatedPlatform _platform = new();
    private readonly VfioPciCoreDevice _core;
    private readonly VfioDeviceFile _file;
    private readonly IGeneratedFile _variant;

    public CoreFallbackBehaviourTests(Drivers drivers)
    {
        _assembly = drivers.Assembly;
        var port = _platform.AddRootPort("0000:00:1c.0");
        var pdev = _platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { TotalVfs = 2 });
        var driver = new VfioPciDriver();
        Assert.Equal(0, pdev.Bind(driver));
        _core = driver.GetDevice(pdev)!;
        _file = _core.Open();
        _platform.Settle(TimeSpan.FromMilliseconds(300));
        _variant = _assembly.Create<IGeneratedFile>("Probe.VariantOnCore", _core, _file.Fds);
    }

    public void Dispose() => _file.Close();

    private static byte[] Feature(uint flags, int payload = 0) => VfioFeatureRequest.Build(flags, new byte[payload]);

    [Fact]
    public void UnhandledIoctlFallsBackToTheCore_vfio_pci_core_ioctl()
    {
        var info = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
        Assert.Equal(0, _variant.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
        Assert.Equal(VfioPciCoreDevice.DeviceFlagsPci, BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)) & VfioPciCoreDevice.DeviceFlagsPci);
        Assert.Equal(-Errno.ENOTTY, _variant.Ioctl(0x3BFF, new byte[16]));
    }

    [Fact]
    public void UnhandledFeatureFallsBackToTheCoresFeatureOp_vfio_pci_core_ioctl_feature()
    {
        Assert.Equal(0, _variant.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        Assert.True(_core.PmRuntimeEngaged);
        Assert.Equal(0, _variant.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)));
        Assert.False(_core.PmRuntimeEngaged);
        Assert.Equal(0, _core.Pdev.Power.UnderflowWarnings);
    }

    [Theory]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_MIGRATION)]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE)]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_START)]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT)]
    [InlineData(VfioUapi.VFIO_DEVICE_FEATURE_MIG_DATA_SIZE)]
    public void CoreOwnedFeaturesNeverReachAFeatureOp_vfio_ioctl_device_feature(ushort feature)
    {
        Assert.Equal(-Errno.ENOTTY, _variant.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(Probe | Get | feature, 16)));
        Assert.Equal(-Errno.ENOTTY, _file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(Probe | Get | feature, 16)));
    }

    [Fact]
    public void AHandledFeatureUsesTheSharedChecks_vfio_check_feature()
    {
        Assert.Equal(-Errno.EINVAL, _variant.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(Set | Vendor, 4)));
        Assert.Equal(0, _variant.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(Probe | Get | Vendor)));

        // argsz claims 4 payload bytes the buffer does not hold: the copy faults.
        var shortBuffer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(shortBuffer, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(shortBuffer.AsSpan(4), Get | Vendor);
        Assert.Equal(-Errno.EFAULT, _variant.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, shortBuffer));

        var ok = Feature(Get | Vendor, 4);
        Assert.Equal(0, _variant.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, ok));
        Assert.Equal(42, ok[8]);
    }

    [Fact]
    public void WithoutACoreAnUnhandledFeatureOrIoctlIsEnotty_vfio_ioctl_device_feature()
    {
        var standalone = _assembly.Create<IGeneratedFile>("Probe.Standalone", _core.Pdev);
        Assert.Equal(-Errno.ENOTTY, standalone.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)));
        Assert.Equal(-Errno.ENOTTY, standalone.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, new byte[16]));
        Assert.False(_core.PmRuntimeEngaged);
    }

    public static TheoryData<uint, int, int> Requests()
    {
        var data = new TheoryData<uint, int, int>();
        ushort[] features = { 3, 4, 5, VfioUapi.VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, 0x0ABC };
        uint[] directions = { 0, Get, Set, Get | Set, Probe, Probe | Get, Probe | Set, Probe | Get | Set, 1u << 20 };
        foreach (var feature in features)
        {
            foreach (var direction in directions)
            {
                foreach (var (argsz, present) in new[] { (8, 8), (4, 8), (24, 24), (24, 12) })
                {
                    // Only requests that change no state (probes and refusals) are compared here.
                    if ((direction & Probe) == 0 && direction is Set or Get)
                    {
                        continue;
                    }

                    data.Add(direction | feature, argsz, present);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void GeneratedAndHandWrittenAnswerAlike_vfio_ioctl_device_feature(uint flags, int argsz, int present)
    {
        var buffer = new byte[present];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)argsz);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), flags);
        var viaFile = _file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, (byte[])buffer.Clone());
        var viaVariant = _variant.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, (byte[])buffer.Clone());
        Assert.Equal(Errno.Describe(viaFile), Errno.Describe(viaVariant));
        Assert.False(_core.PmRuntimeEngaged);
    }

    /// <summary>The drivers above, compiled with the generator once for the class.</summary>
    public sealed class Drivers : IDisposable
    {
        public GeneratedAssembly Assembly { get; } = GeneratedAssembly.Build(Source);

        public void Dispose() => Assembly.Dispose();
    }
}
