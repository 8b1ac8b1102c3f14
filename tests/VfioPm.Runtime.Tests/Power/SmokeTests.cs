using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

public sealed class SmokeTests
{
    [Fact]
    public void GetSyncThenPutSyncSuspendsAgain()
    {
        var bed = new PmTestBed();
        var (dev, cb) = bed.Create("dev", enable: true);
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(0, dev.Power.GetSync());
        Assert.Equal(RpmStatus.Active, dev.Power.Status);
        Assert.Equal(1, dev.Power.UsageCount);
        Assert.Equal(0, dev.Power.PutSync());
        Assert.Equal(RpmStatus.Suspended, dev.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, cb.Calls);
    }
}
