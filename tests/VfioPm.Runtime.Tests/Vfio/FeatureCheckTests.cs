using System;
using System.Buffers.Binary;
using VfioPm.Annotations;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

/// <summary>
/// Spec §2.4 <c>vfio_check_feature()</c>: the five steps, their order, and the truth table for the low-power features
/// (supported = SET; minsz 0 for features 3 and 5, 8 for feature 4) — first on <see cref="VfioFeatureCheck.Check"/>
/// itself, then end-to-end through <c>VFIO_DEVICE_FEATURE</c> on an open device file.
/// </summary>
public sealed class FeatureCheckTests
{
    private const uint Get = VfioUapi.VFIO_DEVICE_FEATURE_GET;
    private const uint Set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
    private const uint Probe = VfioUapi.VFIO_DEVICE_FEATURE_PROBE;

    // The direction/probe combinations of the §2.4 table (feature index is ORed in separately).
    private static readonly uint[] FlagRows = { 0, Get, Get | Probe, Probe, Set | Probe, Get | Set, Get | Set | Probe, Set };

    // Payload sizes (argsz - 8) around the feature-4 minimum.
    private static readonly long[] PayloadSizes = { 0, 1, 7, 8, 9, 16 };

    private static readonly ushort[] LowPowerFeatures =
    {
        VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
        VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
        VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT,
    };

    private static long MinPayload(ushort feature) =>
        feature == VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP ? 8 : 0;

    // The §2.4 table, row by row: the result of the check itself.
    private static int ExpectedCheck(uint dirs, long payload, long minsz)
    {
        if ((dirs & Get) != 0)
        {
            return -Errno.EINVAL; // step 1: GET is not supported (rows GET, GET|PROBE, GET|SET, GET|SET|PROBE)
        }

        if ((dirs & Probe) != 0)
        {
            return 0; // step 2: PROBE, SET|PROBE
        }

        if ((dirs & Set) == 0)
        {
            return -Errno.EINVAL; // step 3: no direction
        }

        return payload < minsz ? -Errno.EINVAL : 1; // step 4 / 5
    }

    public static TheoryData<ushort, uint, long, int> CheckTable()
    {
        var data = new TheoryData<ushort, uint, long, int>();
        foreach (var feature in LowPowerFeatures)
        {
            foreach (var dirs in FlagRows)
            {
                foreach (var payload in PayloadSizes)
                {
                    data.Add(feature, dirs, payload, ExpectedCheck(dirs, payload, MinPayload(feature)));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CheckTable))]
    public void CheckFollowsTheTruthTable(ushort feature, uint dirs, long payload, int expected)
    {
        Assert.Equal(expected, VfioFeatureCheck.Check(dirs | feature, payload, FeatureOps.Set, MinPayload(feature)));
    }

    [Fact]
    public void TheTableHasOnlyTheDocumentedOutcomes()
    {
        // Sanity on the generator: for feature 4 the only "go ahead" rows are SET with >= 8 bytes, for 3/5 every SET row.
        Assert.Equal(1, ExpectedCheck(Set, 8, 8));
        Assert.Equal(-Errno.EINVAL, ExpectedCheck(Set, 7, 8));
        Assert.Equal(1, ExpectedCheck(Set, 0, 0));
        Assert.Equal(0, ExpectedCheck(Probe, 0, 8));
        Assert.Equal(-Errno.EINVAL, ExpectedCheck(Get | Set, 16, 0));
    }

    // ---- evaluation order (only orders that change the result are observable) ----

    [Fact]
    public void Step1UnsupportedDirectionBeatsStep2Probe()
    {
        Assert.Equal(-Errno.EINVAL, VfioFeatureCheck.Check(Get | Probe, 8, FeatureOps.Set, 0));
        Assert.Equal(-Errno.EINVAL, VfioFeatureCheck.Check(Get | Set | Probe, 8, FeatureOps.Set, 0));
        Assert.Equal(-Errno.EINVAL, VfioFeatureCheck.Check(Set | Probe, 8, FeatureOps.Get, 0));
    }

    [Fact]
    public void Step1LetsEverySupportedDirectionThrough()
    {
        Assert.Equal(0, VfioFeatureCheck.Check(Get | Set | Probe, 0, FeatureOps.Get | FeatureOps.Set, 0));
        Assert.Equal(1, VfioFeatureCheck.Check(Get | Set, 0, FeatureOps.Get | FeatureOps.Set, 0));
        Assert.Equal(1, VfioFeatureCheck.Check(Get, 0, FeatureOps.Get, 0));
    }

    [Fact]
    public void Step2ProbeBeatsStep3NoDirection()
    {
        Assert.Equal(0, VfioFeatureCheck.Check(Probe, 0, FeatureOps.Set, 0));
        Assert.Equal(0, VfioFeatureCheck.Check(Probe, 0, FeatureOps.None, 0));
    }

    [Fact]
    public void Step2ProbeBeatsStep4ShortPayload()
    {
        Assert.Equal(0, VfioFeatureCheck.Check(Set | Probe, 0, FeatureOps.Set, 8));
        Assert.Equal(0, VfioFeatureCheck.Check(Probe, 7, FeatureOps.Set, 8));
    }

    [Fact]
    public void Step3NoDirectionBeatsStep5()
    {
        Assert.Equal(-Errno.EINVAL, VfioFeatureCheck.Check(0, 1024, FeatureOps.Set, 0));
        Assert.Equal(-Errno.EINVAL, VfioFeatureCheck.Check(0, 1024, FeatureOps.Get | FeatureOps.Set, 0));
    }

    [Fact]
    public void Step4ShortPayloadBeatsStep5()
    {
        Assert.Equal(-Errno.EINVAL, VfioFeatureCheck.Check(Set, 7, FeatureOps.Set, 8));
        Assert.Equal(1, VfioFeatureCheck.Check(Set, 8, FeatureOps.Set, 8));
        Assert.Equal(-Errno.EINVAL, VfioFeatureCheck.Check(Set, 15, FeatureOps.Set, 16));
    }

    [Fact]
    public void TheFeatureIndexBitsAreIgnored()
    {
        Assert.Equal(1, VfioFeatureCheck.Check(Set | 0xFFFF, 0, FeatureOps.Set, 0));
        Assert.Equal(0, VfioFeatureCheck.Check(Probe | 0xFFFF, 0, FeatureOps.Set, 0));
        Assert.Equal(-Errno.EINVAL, VfioFeatureCheck.Check(0xFFFF, 0, FeatureOps.Set, 0));
    }

    // ---- the same table end-to-end through the ioctl ----

    public static TheoryData<ushort, uint, int> IoctlTable()
    {
        var data = new TheoryData<ushort, uint, int>();
        foreach (var feature in LowPowerFeatures)
        {
            foreach (var dirs in FlagRows)
            {
                foreach (var payload in new[] { 0, 7, 8, 16 })
                {
                    data.Add(feature, dirs, payload);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IoctlTable))]
    public void IoctlFollowsTheTruthTable(ushort feature, uint dirs, int payloadSize)
    {
        var rig = new VfioRig();
        var efd = new EventFd();
        var fd = rig.File.Fds.Install(efd);
        var payload = new byte[payloadSize];
        if (payloadSize >= 4)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload, fd);
        }

        var check = ExpectedCheck(dirs, payloadSize, MinPayload(feature));
        var getSetWithoutProbe = (dirs & (Get | Set | Probe)) == (Get | Set);
        // GET|SET without PROBE is refused by the core (§2.3 step 4) before the handler's check; the result is the same.
        var expected = getSetWithoutProbe ? -Errno.EINVAL : check == 1 ? 0 : check;
        var executes = !getSetWithoutProbe && check == 1;

        var usage = rig.Usage;
        Assert.Equal(1, usage);
        var result = rig.Feature(dirs | feature, payload);
        Assert.Equal(expected, result);

        rig.Settle();
        var entered = executes && feature != VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
        Assert.Equal(entered, rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(entered && feature == VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, rig.Vdev.HasWakeEventFd);
        Assert.Equal(entered ? 0 : 1, rig.Usage);
        Assert.Equal(0ul, efd.Count);
        rig.AssertNoFatal();
    }

    [Fact]
    public void IoctlProbeNeverExecutesTheFeature()
    {
        var rig = new VfioRig();
        Assert.Equal(0, rig.Feature(Set | Probe | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY));
        Assert.Equal(0, rig.Feature(Probe | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP));
        rig.Settle();
        Assert.False(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(1, rig.Usage);

        // An engaged device is not released by a probe of EXIT either.
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(0, rig.Feature(Set | Probe | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT));
        rig.Settle();
        Assert.True(rig.Vdev.PmRuntimeEngaged);
        Assert.Equal(0, rig.Usage);
        rig.AssertNoFatal();
    }

    [Fact]
    public void IoctlGetSetWithoutProbeIsRejectedByTheCoreBeforeTheDriver()
    {
        // Feature 42 is unknown to the driver (-ENOTTY there): -EINVAL proves the core refused first.
        var rig = new VfioRig();
        Assert.Equal(-Errno.EINVAL, rig.Feature(Get | Set | 42));
        Assert.Equal(-Errno.ENOTTY, rig.Feature(Get | Set | Probe | 42));
        rig.Settle();
        Assert.Equal(1, rig.Usage);
        rig.AssertNoFatal();
    }
}
