using System.Threading.Tasks;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// An integer [OwnsPmReference] member stepped by <c>++</c>/<c>--</c> (not <c>Counted</c>: one reference while it is
/// non-zero): <c>device-&gt;open_count</c> of <c>vfio_df_open()</c>/<c>vfio_df_close()</c>, where the first open keeps the
/// reference the driver's open_device took and the last close gives it back. A step moves a reference only where the
/// path knows the value before well enough (0 → 1 sets, 1 → 0 clears; an owning count is never negative); a step
/// between non-zero values moves nothing, and a step of an untested count is silent. <c>{|VPMxxxx:span|}</c> marks each
/// expected diagnostic (<see cref="VfioPmRulesAnalyzerTest"/>).
/// </summary>
public sealed class SteppedOwnerTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power;
        sealed class VfioDev
        {
            public VfioDev(Device dev) { Dev = dev; }
            public Device Dev { get; }
            // open_count: while non-zero the device keeps the reference open_device took.
            [OwnsPmReference(nameof(Dev))] public int OpenCount;
        }

        abstract class Main
        {
            [AcquiresPmReference("device.Dev.Power", OnSuccess = true)]
            protected abstract int FirstOpen(VfioDev device);

            [ReleasesPmReference("device.Dev.Power")]
            protected abstract void LastClose(VfioDev device);

            protected abstract bool AssertOpen(VfioDev device);

        """;

    private static Task Check(string body) => VfioPmRulesAnalyzerTest.RunAsync(Prelude + body + "\n}\n");

    [Fact]
    public Task OpenAndCloseRecordTheFirstReferenceInTheCount() => Check("""
            // vfio_df_open(): 0 -> 1 hands first_open's reference to the count; its failure steps back and receives it.
            int Open(VfioDev device, bool group)
            {
                int ret = 0;
                if (device.OpenCount != 0 && !group)
                    return -Errno.EINVAL;

                device.OpenCount++;
                if (device.OpenCount == 1)
                {
                    ret = FirstOpen(device);
                    if (ret != 0)
                        device.OpenCount--;
                }

                return ret;
            }

            // vfio_df_close(): last_close puts before 1 -> 0 gives the count's reference back; later closes move nothing.
            void Close(VfioDev device)
            {
                if (!AssertOpen(device))
                    return;
                if (device.OpenCount == 1)
                    LastClose(device);
                device.OpenCount--;
            }

            // Non-zero to non-zero, and a count nobody tested: nothing moves, nothing is reported.
            void Nested(VfioDev device)
            {
                if (device.OpenCount > 1)
                    device.OpenCount--;
                device.OpenCount += 2;
            }
        """);

    [Fact]
    public Task StepsWithoutTheMatchingGetOrPutAreReported() => Check("""
            // A failing first open that keeps the count: the count records a reference nobody took.
            int OpenKeepsCount(VfioDev device)
            {
                if (device.OpenCount != 0)
                    return -Errno.EBUSY;
                {|VPM0002:device.OpenCount++|};
                return FirstOpen(device);
            }

            // The last close without close_device: the reference the count gave back is never put.
            void CloseLeaks(VfioDev device)
            {
                if (device.OpenCount != 1)
                    return;
                device.OpenCount--;
            {|VPM0001:}|}

            // The same leak written as assignments, tested once or against zero: the forms agree.
            void CloseLeaksByAssignment(VfioDev device)
            {
                if (device.OpenCount != 1)
                    return;
                device.OpenCount = 0;
            {|VPM0001:}|}

            void CloseLeaksAfterZeroTest(VfioDev device)
            {
                if (device.OpenCount == 0)
                    return;
                device.OpenCount = 0;
            {|VPM0001:}|}
        """);
}
