using System;
using System.Buffers.Binary;
using System.Linq;
using VfioPm.Generators.Tests.TestKit;
using VfioPm.Runtime;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Generators.Tests.Behaviour;

/// <summary>
/// The generated Ioctl against the runtime: the get/put bracket of vfio_device_fops_unl_ioctl (spec §2.1–2.2), the
/// VFIO_DEVICE_FEATURE checks of §2.3 and vfio_check_feature of §2.4, on a real runtime-PM device.
/// </summary>
[Collection(GeneratedDriversCollection.Name)]
public sealed class IoctlBehaviourTests
{
    private const uint Get = VfioUapi.VFIO_DEVICE_FEATURE_GET;
    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
    private const uint Probe = VfioUapi.VFIO_DEVICE_FEATURE_PROBE;
    private const ushort Entry = VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
    private const ushort Vendor = BehaviourDrivers.VendorFeature;

    private readonly BehaviourDrivers _drivers;
    private readonly PmWorld _world = new();
    private readonly HandlerLog _log = new();
    private readonly IGeneratedFile _file;

    public IoctlBehaviourTests(BehaviourDrivers drivers)
    {
        _drivers = drivers;
        _file = drivers.CreateDeviceDriver(_world, _log);
    }

    [Fact]
    public void IoctlHandlerRunsResumedUnderOneReferenceAndThePutLetsTheDeviceSuspend()
    {
        Assert.Equal(RpmStatus.Suspended, _world.Power.Status);

        var result = _file.Ioctl(VfioUapi.VFIO_DEVICE_RESET, new byte[12]);

        Assert.Equal(_log.Result, result);
        var call = Assert.Single(_log.Calls);
        Assert.Equal(("Reset", 1, RpmStatus.Active, 12), (call.Handler, call.UsageCount, call.Status, call.Length));
        Assert.Equal(0, _world.Power.UsageCount);
        _world.RunWork();
        Assert.Equal(RpmStatus.Suspended, _world.Power.Status);
        Assert.Empty(_world.Warnings);
    }

    [Fact]
    public void UnknownCommandIsEnottyInsideTheBracket()
    {
        Assert.Equal(-Errno.ENOTTY, _file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, new byte[16]));
        Assert.Empty(_log.Calls);
        Assert.Equal(1, _world.Resumes);
        Assert.Equal(0, _world.Power.UsageCount);
    }

    [Fact]
    public void FailedResumeIsEioWithTheUsageCountUnchangedAndNoPut()
    {
        _world.ResumeResult = -Errno.EBUSY;

        Assert.Equal(-Errno.EIO, _file.Ioctl(VfioUapi.VFIO_DEVICE_RESET, new byte[4]));

        Assert.Equal(1, _world.Resumes);
        Assert.Empty(_log.Calls);
        Assert.Equal(0, _world.Power.UsageCount);
        Assert.Empty(_world.Warnings); // a put without the get would underflow and warn
    }

    [Fact]
    public void FailedResumeMasksTheErrorForFeaturesToo()
    {
        _world.ResumeResult = -Errno.EAGAIN;
        Assert.Equal(-Errno.EIO, _file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(8, Set | Entry)));
        Assert.Empty(_log.Calls);
        Assert.Equal(0, _world.Power.UsageCount);
    }

    [Fact]
    public void ThrowingIoctlHandlerStillPuts()
    {
        Assert.Equal(0, _world.Power.ResumeAndGet());
        Assert.Equal(1, _world.Power.UsageCount);

        Assert.Throws<InvalidOperationException>(() => _file.Ioctl(BehaviourDrivers.ThrowingIoctl, new byte[8]));

        Assert.Equal(2, _log.Calls.Single().UsageCount);
        Assert.Equal(1, _world.Power.UsageCount);
        Assert.Empty(_world.Warnings);
    }

    [Fact]
    public void ThrowingFeatureHandlerStillPuts()
    {
        Assert.Throws<InvalidOperationException>(
            () => _file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(8, Get | BehaviourDrivers.ThrowingFeature)));

        Assert.Equal(1, _log.Calls.Single().UsageCount);
        Assert.Equal(0, _world.Power.UsageCount);
    }

    // §2.3 and §2.4, in order. bufferLength defaults to argsz; a feature handler runs only where 'handler' is named.
    [Theory]
    [InlineData("header shorter than 8 bytes", 8u, Set | Entry, 7, -Errno.EFAULT, null)]
    [InlineData("argsz below the header", 7u, Set | Entry, 8, -Errno.EINVAL, null)]
    [InlineData("argsz zero", 0u, Set | Entry, 8, -Errno.EINVAL, null)]
    [InlineData("unknown flag bit 19", 8u, Set | Entry | (1u << 19), -1, -Errno.EINVAL, null)]
    [InlineData("unknown flag bit 31", 8u, Set | Entry | (1u << 31), -1, -Errno.EINVAL, null)]
    [InlineData("GET|SET without PROBE", 16u, Get | Set | Vendor, -1, -Errno.EINVAL, null)]
    [InlineData("unknown feature", 8u, Set | 0x1234u, -1, -Errno.ENOTTY, null)]
    [InlineData("unknown feature, PROBE", 8u, Probe | 0x1234u, -1, -Errno.ENOTTY, null)]
    [InlineData("unsupported GET", 8u, Get | Entry, -1, -Errno.EINVAL, null)]
    [InlineData("unsupported GET with PROBE", 8u, Get | Probe | Entry, -1, -Errno.EINVAL, null)]
    [InlineData("GET|SET|PROBE on a SET-only feature", 8u, Get | Set | Probe | Entry, -1, -Errno.EINVAL, null)]
    [InlineData("PROBE", 8u, Probe | Entry, -1, 0, null)]
    [InlineData("SET|PROBE", 8u, Set | Probe | Entry, -1, 0, null)]
    [InlineData("GET|SET|PROBE on a GET+SET feature", 8u, Get | Set | Probe | Vendor, -1, 0, null)]
    [InlineData("PROBE ignores a short payload", 8u, Get | Probe | Vendor, -1, 0, null)]
    [InlineData("neither GET nor SET", 8u, 0u | Entry, -1, -Errno.EINVAL, null)]
    [InlineData("payload below MinArgSize", 15u, Set | Vendor, -1, -Errno.EINVAL, null)]
    [InlineData("claimed payload present in the buffer only in part", 16u, Set | Vendor, 12, -Errno.EFAULT, null)]
    [InlineData("SET with no payload", 8u, Set | Entry, -1, 4242, "Entry")]
    [InlineData("SET with exactly MinArgSize", 16u, Set | Vendor, -1, 4242, "Vendor")]
    [InlineData("GET with more than MinArgSize", 24u, Get | Vendor, -1, 4242, "Vendor")]
    public void FeatureRequestErrnos(string because, uint argsz, uint flags, int bufferLength, int expected, string? handler)
    {
        var buffer = Feature(argsz, flags, bufferLength < 0 ? (int)argsz : bufferLength);

        var result = _file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, buffer);

        Assert.True(expected == result, $"{because}: expected {Errno.Describe(expected)}, got {Errno.Describe(result)}");
        Assert.Equal(handler, _log.Calls.SingleOrDefault()?.Handler);
        Assert.Equal(1, _world.Resumes); // every path, errors included, runs inside the bracket
        Assert.Equal(0, _world.Power.UsageCount);
        Assert.Empty(_world.Warnings);
    }

    [Theory]
    [InlineData(16u, 16, 8)]   // exact
    [InlineData(16u, 40, 8)]   // the buffer is longer than argsz: the handler sees only the claimed payload
    [InlineData(32u, 20, 12)]  // argsz claims more than the buffer holds, MinArgSize is there: the handler sees what is
    public void HandlerSeesTheClaimedPayloadThatIsPresent(uint argsz, int bufferLength, int payload)
    {
        var flags = Set | Vendor;

        Assert.Equal(_log.Result, _file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(argsz, flags, bufferLength)));

        var call = Assert.Single(_log.Calls);
        Assert.Equal(("Vendor", flags, payload, 1), (call.Handler, call.Flags, call.Length, call.UsageCount));
    }

    [Fact]
    public void RuntimePmMemberAndStaticHandlerWork()
    {
        var file = _drivers.Assembly.Create<IGeneratedFile>(BehaviourDrivers.RuntimePmDriver, _world.Power, _log);

        Assert.Equal(_log.Result, file.Ioctl(VfioUapi.VFIO_DEVICE_RESET, new byte[3]));
        _world.RunWork(); // the put's idle request suspends the device again
        Assert.Equal(RpmStatus.Suspended, _world.Power.Status);
        Assert.Equal(-Errno.ENOTTY, file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, Feature(8, Set | Entry)));

        var call = Assert.Single(_log.Calls);
        Assert.Equal(("StaticReset", 1, 3), (call.Handler, call.UsageCount, call.Length));
        Assert.Equal(0, _world.Power.UsageCount);
        Assert.Equal(2, _world.Resumes);
    }

    private static byte[] Feature(uint argsz, uint flags, int bufferLength = -1)
    {
        var buffer = new byte[bufferLength < 0 ? (int)argsz : bufferLength];
        if (buffer.Length >= 8)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, argsz);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), flags);
        }

        return buffer;
    }
}
