using System;
using BenchmarkDotNet.Attributes;
using VfioPm.Runtime.Vfio;
using VfioPm.Samples.VariantDriver;

namespace VfioPm.Benchmarks.Dispatch;

/// <summary>
/// The whole ioctl and region-read paths of the variant-driver sample through its generated dispatchers, against the
/// same handlers behind a hand-written switch with an explicit get/put, and a BAR read with no bracket at all.
/// Buffers are allocated once; every path measured must allocate nothing.
/// </summary>
public class DispatchBenchmarks
{
    private readonly byte[] _info = new byte[16];
    private readonly byte[] _feature = new byte[VfioDeviceFeature.Size + 4];
    private readonly byte[] _word = new byte[4];
    private readonly long _temperatureOffset = VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX) + AcmeVariantDevice.TemperatureRegister;
    private AcmeRig _rig = null!;

    /// <summary>Builds the rig and the request buffers, and checks both dispatchers answer alike.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _rig = new AcmeRig();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(_info, 16);
        new VfioDeviceFeature((uint)_feature.Length, VfioUapi.VFIO_DEVICE_FEATURE_GET | AcmeVariantDevice.AcmeFeatureThermal).Write(_feature);
        AcmeRig.Check(GeneratedGetInfo() == 0 && HandWrittenGetInfo() == 0, "GET_INFO");
        AcmeRig.Check(GeneratedFeatureGet() == 0 && HandWrittenFeatureGet() == 0, "feature GET thermal");
        AcmeRig.Check(GeneratedRegionRead() == 4 && HandWrittenRegionRead() == 4 && DirectBarRead() == 4, "region read");
        AcmeRig.Check(_rig.Pdev.Power.UsageCount == 1, "balanced");
    }

    /// <summary>Generated <c>Ioctl(VFIO_DEVICE_GET_INFO)</c>.</summary>
    [Benchmark]
    public int GeneratedGetInfo() => _rig.Generated.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, _info);

    /// <summary>Hand-written <c>Ioctl(VFIO_DEVICE_GET_INFO)</c>.</summary>
    [Benchmark]
    public int HandWrittenGetInfo() => _rig.HandWritten.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, _info);

    /// <summary>Generated <c>Ioctl(VFIO_DEVICE_FEATURE, GET thermal)</c>: header checks, feature check, BAR read.</summary>
    [Benchmark]
    public int GeneratedFeatureGet() => _rig.Generated.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, _feature);

    /// <summary>Hand-written <c>Ioctl(VFIO_DEVICE_FEATURE, GET thermal)</c>.</summary>
    [Benchmark]
    public int HandWrittenFeatureGet() => _rig.HandWritten.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, _feature);

    /// <summary>Generated <c>Read</c> of 4 bytes of BAR0.</summary>
    [Benchmark]
    public long GeneratedRegionRead() => _rig.Generated.Read(_word, _temperatureOffset);

    /// <summary>Hand-written <c>Read</c> of 4 bytes of BAR0.</summary>
    [Benchmark]
    public long HandWrittenRegionRead() => _rig.HandWritten.Read(_word, _temperatureOffset);

    /// <summary>The BAR read itself, no dispatch and no bracket (the holding reference keeps the device in D0).</summary>
    [Benchmark]
    public long DirectBarRead() => _rig.Pdev.ReadBar(0, AcmeVariantDevice.TemperatureRegister, _word);
}
