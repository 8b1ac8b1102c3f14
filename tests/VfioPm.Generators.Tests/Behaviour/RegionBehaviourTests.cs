using System;
using System.Linq;
using VfioPm.Generators.Tests.TestKit;
using VfioPm.Runtime;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Generators.Tests.Behaviour;

/// <summary>The generated Read/Write against the runtime: the rules of vfio_pci_core_read/write and vfio_pci_rw (§3.8).</summary>
[Collection(GeneratedDriversCollection.Name)]
public sealed class RegionBehaviourTests
{
    private readonly BehaviourDrivers _drivers;
    private readonly PmWorld _world = new();
    private readonly HandlerLog _log = new();
    private readonly IGeneratedFile _file;

    public RegionBehaviourTests(BehaviourDrivers drivers)
    {
        _drivers = drivers;
        _file = drivers.CreateDeviceDriver(_world, _log);
    }

    [Fact]
    public void ReadPassesTheInRegionOffsetAndRunsUnderOneReference()
    {
        var result = _file.Read(new byte[4], VfioUapi.RegionOffset(0) + 0x10);

        Assert.Equal(_log.Result, result);
        var call = Assert.Single(_log.Calls);
        Assert.Equal(("ReadBar0", 1, RpmStatus.Active, 4, 0x10L), (call.Handler, call.UsageCount, call.Status, call.Length, call.Offset));
        Assert.Equal(0, _world.Power.UsageCount);
    }

    [Fact]
    public void WriteGoesToTheWriteHandlerOfTheRegion()
    {
        Assert.Equal(_log.Result, _file.Write(new byte[2], VfioUapi.RegionOffset(0) + 0x20));

        var call = Assert.Single(_log.Calls);
        Assert.Equal(("WriteBar0", 1, 2, 0x20L), (call.Handler, call.UsageCount, call.Length, call.Offset));
        Assert.Equal(0, _world.Power.UsageCount);
    }

    [Fact]
    public void DeviceRegionBeyondTheFixedNineIsReachable()
    {
        var offset = VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_NUM_REGIONS) + VfioUapi.VFIO_PCI_OFFSET_MASK;

        Assert.Equal(1, _file.Read(new byte[1], offset));

        Assert.Equal(("ReadDeviceRegion", VfioUapi.VFIO_PCI_OFFSET_MASK), (_log.Calls.Single().Handler, _log.Calls.Single().Offset));
    }

    [Fact]
    public void ZeroLengthIsZeroWithoutAnyPmCall()
    {
        Assert.Equal(0, _file.Read(Span<byte>.Empty, VfioUapi.RegionOffset(0)));
        Assert.Equal(0, _file.Write(ReadOnlySpan<byte>.Empty, VfioUapi.RegionOffset(0)));
        Assert.Equal(0, _file.Read(Span<byte>.Empty, VfioUapi.RegionOffset(5))); // even for an index with no handler

        AssertNoPmActivity();
    }

    // ksys_pread64()/ksys_pwrite64() reject a negative position before the driver: long.MinValue carries index
    // 0x800000 with in-region offset 0, which a handler would otherwise receive as region 0x800000's first byte.
    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(-0x100_0000_0000L)] // index 0xFFFFFF, in-region offset 0
    public void NegativeOffsetIsEinvalBeforeAnyPmCallEvenForAnEmptyBuffer(long offset)
    {
        Assert.Equal(-Errno.EINVAL, _file.Read(new byte[4], offset));
        Assert.Equal(-Errno.EINVAL, _file.Write(new byte[4], offset));
        Assert.Equal(-Errno.EINVAL, _file.Read(Span<byte>.Empty, offset));

        Assert.Empty(_log.Calls);
        AssertNoPmActivity();
    }

    [Theory]
    [InlineData(5, false)]   // BAR5: no handler
    [InlineData(9, true)]    // device region with a read handler only
    [InlineData(10, false)]  // past the last handled region
    [InlineData(0xFFFFFF, false)]
    public void IndexWithoutAHandlerIsEinvalBeforeAnyPmCall(int index, bool write)
    {
        var offset = VfioUapi.RegionOffset(index);
        var result = write ? _file.Write(new byte[1], offset) : _file.Read(new byte[1], offset);

        Assert.Equal(-Errno.EINVAL, result);
        AssertNoPmActivity();
    }

    [Fact]
    public void NegativeOffsetIsEinvalBeforeAnyPmCall()
    {
        Assert.Equal(-Errno.EINVAL, _file.Read(new byte[1], -1));
        AssertNoPmActivity();
    }

    [Fact]
    public void FailedResumeIsEioWithTheUsageCountUnchanged()
    {
        _world.ResumeResult = -Errno.EBUSY;

        Assert.Equal(-Errno.EIO, _file.Read(new byte[4], VfioUapi.RegionOffset(0)));

        Assert.Equal(1, _world.Resumes);
        Assert.Empty(_log.Calls);
        Assert.Equal(0, _world.Power.UsageCount);
        Assert.Empty(_world.Warnings);
    }

    [Fact]
    public void ThrowingRegionHandlerStillPuts()
    {
        Assert.Equal(0, _world.Power.ResumeAndGet());

        Assert.Throws<InvalidOperationException>(
            () => _file.Read(new byte[1], VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_NUM_REGIONS) + 0xdead));

        Assert.Equal(2, _log.Calls.Single().UsageCount);
        Assert.Equal(1, _world.Power.UsageCount);
        Assert.Empty(_world.Warnings);
    }

    [Fact]
    public void DeviceSuspendsAgainAfterTheAccess()
    {
        Assert.Equal(_log.Result, _file.Read(new byte[4], 0));
        Assert.Equal(RpmStatus.Active, _world.Power.Status);

        _world.RunWork();

        Assert.Equal(RpmStatus.Suspended, _world.Power.Status);
        Assert.Equal(
            new[] { (RpmStatus.Suspended, RpmStatus.Resuming), (RpmStatus.Resuming, RpmStatus.Active), (RpmStatus.Active, RpmStatus.Suspending), (RpmStatus.Suspending, RpmStatus.Suspended) },
            _world.Transitions.Select(t => (t.From, t.To)).ToArray());
    }

    [Fact]
    public void StaticRegionHandlerOfARuntimePmMember()
    {
        var file = _drivers.Assembly.Create<IGeneratedFile>(BehaviourDrivers.RuntimePmDriver, _world.Power, _log);

        Assert.Equal(_log.Result, file.Read(new byte[8], VfioUapi.RegionOffset(2) + 4));
        Assert.Equal(-Errno.EINVAL, file.Write(new byte[8], VfioUapi.RegionOffset(2)));

        var call = Assert.Single(_log.Calls);
        Assert.Equal(("ReadBar2", 1, 8, 4L), (call.Handler, call.UsageCount, call.Length, call.Offset));
        Assert.Equal(1, _world.Resumes);
    }

    private void AssertNoPmActivity()
    {
        Assert.Empty(_log.Calls);
        Assert.Equal(0, _world.Resumes);
        Assert.Empty(_world.Transitions);
        Assert.Equal(RpmStatus.Suspended, _world.Power.Status);
        Assert.Equal(0, _world.Power.UsageCount);
    }
}
