using System;
using System.Linq;
using VfioPm.Runtime.Platform;

namespace VfioPm.Runtime.Tests.Platform;

/// <summary>A long simulation can bound its timeline; by default nothing is dropped.</summary>
public sealed class TimelineCapacityTests
{
    [Fact]
    public void UnboundedByDefault()
    {
        var platform = new SimulatedPlatform();
        Assert.Null(platform.TimelineCapacity);
        for (var i = 0; i < 100; i++)
        {
            platform.Note($"step {i}");
        }

        Assert.Equal(100, platform.Timeline.Count);
    }

    [Fact]
    public void KeepsAtLeastTheLastEntriesAndDropsOlderOnesInBatches()
    {
        var platform = new SimulatedPlatform { TimelineCapacity = 10 };
        for (var i = 0; i < 95; i++)
        {
            platform.Note($"step {i}");
        }

        var kept = platform.Timeline;
        Assert.InRange(kept.Count, 10, 19);
        Assert.Equal("step 94", kept[^1].Detail);
        var details = kept.Select(e => e.Detail).ToArray();
        Assert.Equal(Enumerable.Range(95 - kept.Count, kept.Count).Select(i => $"step {i}"), details);
    }

    [Fact]
    public void SettingACapacityTrimsAtOnceAndRejectsNonPositive()
    {
        var platform = new SimulatedPlatform();
        for (var i = 0; i < 50; i++)
        {
            platform.Note($"step {i}");
        }

        platform.TimelineCapacity = 5;
        Assert.Equal(5, platform.Timeline.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => platform.TimelineCapacity = 0);
        platform.TimelineCapacity = null;
        platform.Note("unbounded again");
        Assert.Equal(6, platform.Timeline.Count);
    }
}
