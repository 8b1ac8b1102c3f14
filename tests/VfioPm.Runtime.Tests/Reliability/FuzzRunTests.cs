using System;
using System.Buffers.Binary;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Fuzz;
using Xunit.Abstractions;

namespace VfioPm.Runtime.Tests.Reliability;

/// <summary>The short CI run of the buffer fuzzer, and its oracle checked on hand-picked buffers against the spec.</summary>
public sealed class FuzzRunTests
{
    private const uint Get = VfioUapi.VFIO_DEVICE_FEATURE_GET;
    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
    private const uint Probe = VfioUapi.VFIO_DEVICE_FEATURE_PROBE;
    private const int WakeFd = 4;
    private const int RegularFd = 3;

    private readonly ITestOutputHelper _out;

    public FuzzRunTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void ShortFuzzRunAnswersEveryInputAsDocumented()
    {
        var report = BufferFuzzer.Run(new FuzzOptions { Seed = 11, Inputs = 20_000 });
        _out.WriteLine(report.Format());
        Assert.True(report.Passed, report.Format());
        Assert.Equal(20_000, report.Inputs);

        // The inputs got past every stage of validation, not just the first one.
        foreach (var answer in new[] { "ok", "-EINVAL", "-EFAULT", "-ENOTTY", "-EBADF" })
        {
            Assert.True(report.ByResult.ContainsKey(answer), $"no input was answered {answer}: {report.Format()}");
        }
    }

    [Theory]
    [InlineData(6, 8u, Set | 3, 0, false, -(int)Errno.EFAULT)]               // header cannot be copied
    [InlineData(8, 4u, Set | 3, 0, false, -(int)Errno.EINVAL)]               // argsz below the header
    [InlineData(8, 8u, Set | 3 | (1u << 19), 0, false, -(int)Errno.EINVAL)]  // unknown flag bit
    [InlineData(8, 8u, Get | Set | 3, 0, false, -(int)Errno.EINVAL)]         // GET|SET without PROBE
    [InlineData(8, 8u, Probe | Get | Set | 3, 0, false, -(int)Errno.EINVAL)] // GET not supported
    [InlineData(8, 8u, Probe | 4, 0, false, 0)]                              // probe needs no payload
    [InlineData(8, 8u, 3, 0, false, -(int)Errno.EINVAL)]                     // no direction
    [InlineData(8, 8u, Set | 3, 0, true, -(int)Errno.EINVAL)]                // already engaged
    [InlineData(8, 8u, Set | 3, 0, false, 0)]
    [InlineData(8, 8u, Set | 5, 0, true, 0)]                                 // exit always succeeds
    [InlineData(12, 12u, Set | 4, WakeFd, false, -(int)Errno.EINVAL)]        // payload shorter than the struct
    [InlineData(12, 16u, Set | 4, WakeFd, false, -(int)Errno.EFAULT)]        // claims 8 payload bytes, has 4
    [InlineData(16, 16u, Set | 4, -1, false, -(int)Errno.EINVAL)]
    [InlineData(16, 16u, Set | 4, 99, false, -(int)Errno.EBADF)]
    [InlineData(16, 16u, Set | 4, RegularFd, false, -(int)Errno.EINVAL)]
    [InlineData(16, 16u, Set | 4, WakeFd, false, 0)]
    [InlineData(8, 8u, Set | 0, 0, false, -(int)Errno.ENOTTY)]               // VF token: not a PF
    [InlineData(8, 8u, Set | 1, 0, false, -(int)Errno.ENOTTY)]               // migration: core-owned, no ops
    [InlineData(8, 8u, Set | 77, 0, false, -(int)Errno.ENOTTY)]
    public void TheFeatureOracleFollowsTheSpec(int length, uint argsz, uint flags, int fd, bool engaged, int expected)
    {
        var buffer = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, argsz);
        if (length >= 8)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), flags);
        }

        if (length >= 12)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(8), fd);
        }

        var ctx = new OracleContext(IsPf: false, engaged, HasIntx: true, ResetWorks: true, new[] { 0x1000, 0, 0x1000, 0, 0, 0 }, WakeFd, RegularFd);
        Assert.Equal(expected, FeatureOracle.Expect(buffer, ctx));
    }
}
