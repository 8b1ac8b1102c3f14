using System;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Behaviour;

/// <summary>
/// Test drivers compiled with the generator at run time, once per test class, and loaded into a collectible context.
/// Every handler records its call (with the usage count it ran under) in a <see cref="HandlerLog"/>.
/// </summary>
public sealed class BehaviourDrivers : IDisposable
{
    public const string DeviceDriver = "Probe.DeviceDriver";
    public const string RuntimePmDriver = "Probe.RuntimePmDriver";

    /// <summary>Vendor feature with GET and SET and an 8-byte minimum payload.</summary>
    public const ushort VendorFeature = 0x8001;

    /// <summary>An ioctl whose handler throws.</summary>
    public const uint ThrowingIoctl = 0x3B6E; // VFIO_DEVICE_SET_IRQS

    /// <summary>A feature whose handler throws.</summary>
    public const ushort ThrowingFeature = 0x8002;

    /// <summary>A read-only device region whose handler throws on reads at offset 0xdead.</summary>
    public const int DeviceRegion = 9;

    public const string Source = """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Generators.Tests.TestKit;
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;

        namespace Probe;

        [VfioDeviceOps]
        public sealed partial class DeviceDriver : IGeneratedFile
        {
            private readonly HandlerLog _log;

            public DeviceDriver(Device device, HandlerLog log)
            {
                Device = device;
                _log = log;
            }

            [PmDevice]
            public Device Device { get; }

            [VfioIoctl(VfioUapi.VFIO_DEVICE_RESET)]
            private int Reset(Span<byte> arg) => _log.Record(nameof(Reset), Device.Power, 0, arg.Length, 0);

            [VfioIoctl(VfioUapi.VFIO_DEVICE_SET_IRQS)]
            private int Throws(Span<byte> arg)
            {
                _log.Record(nameof(Throws), Device.Power, 0, arg.Length, 0);
                throw new InvalidOperationException("handler failed");
            }

            [VfioFeature(VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, FeatureOps.Set)]
            private int Entry(uint flags, Span<byte> payload) => _log.Record(nameof(Entry), Device.Power, flags, payload.Length, 0);

            [VfioFeature(0x8001, FeatureOps.Get | FeatureOps.Set, MinArgSize = 8)]
            private int Vendor(uint flags, Span<byte> payload) => _log.Record(nameof(Vendor), Device.Power, flags, payload.Length, 0);

            [VfioFeature(0x8002, FeatureOps.Get)]
            private int FeatureThrows(uint flags, Span<byte> payload)
            {
                _log.Record(nameof(FeatureThrows), Device.Power, flags, payload.Length, 0);
                throw new InvalidOperationException("feature failed");
            }

            [VfioRegion(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX)]
            private long ReadBar0(Span<byte> buffer, long offset) => _log.Record(nameof(ReadBar0), Device.Power, 0, buffer.Length, offset);

            [VfioRegion(VfioUapi.VFIO_PCI_BAR0_REGION_INDEX)]
            private int WriteBar0(ReadOnlySpan<byte> buffer, long offset) => _log.Record(nameof(WriteBar0), Device.Power, 0, buffer.Length, offset);

            [VfioRegion(VfioUapi.VFIO_PCI_NUM_REGIONS)]
            private long ReadDeviceRegion(Span<byte> buffer, long offset)
            {
                _log.Record(nameof(ReadDeviceRegion), Device.Power, 0, buffer.Length, offset);
                if (offset == 0xdead)
                {
                    throw new InvalidOperationException("region failed");
                }

                return buffer.Length;
            }
        }

        [VfioDeviceOps]
        public partial class RuntimePmDriver : IGeneratedFile
        {
            // Static handlers reach the device and the log through statics (one driver per test at a time).
            private static RuntimePm? s_pm;
            private static HandlerLog? s_log;

            [PmDevice]
            private readonly RuntimePm _pm;

            public RuntimePmDriver(RuntimePm pm, HandlerLog log)
            {
                _pm = pm;
                s_pm = pm;
                s_log = log;
            }

            [VfioIoctl(VfioUapi.VFIO_DEVICE_RESET)]
            private static int StaticReset(Span<byte> arg) => s_log!.Record(nameof(StaticReset), s_pm!, 0, arg.Length, 0);

            [VfioRegion(2)]
            private static int ReadBar2(Span<byte> buffer, long offset) => s_log!.Record(nameof(ReadBar2), s_pm!, 0, buffer.Length, offset);
        }
        """;

    public BehaviourDrivers() => Assembly = GeneratedAssembly.Build(Source);

    public GeneratedAssembly Assembly { get; }

    /// <summary>A fresh <see cref="DeviceDriver"/> over <paramref name="world"/>'s device.</summary>
    public IGeneratedFile CreateDeviceDriver(PmWorld world, HandlerLog log) =>
        Assembly.Create<IGeneratedFile>(DeviceDriver, world.Device, log);

    public void Dispose() => Assembly.Dispose();
}
