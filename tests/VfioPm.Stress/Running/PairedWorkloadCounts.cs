using System.Globalization;
using System.Threading;

namespace VfioPm.Stress.Running;

/// <summary>How often the paired workloads really met what they pair (so a passing run shows it tested them).</summary>
public sealed class PairedWorkloadCounts
{
    private long _rebinds;
    private long _rebindsWithFilesOpen;
    private long _resetEnablePairs;
    private long _resetsThatSawVfs;
    private long _disableIdleD3Suspends;
    private long _resetsOverDisableIdleD3;

    public long Rebinds => Interlocked.Read(ref _rebinds);

    public long RebindsWithFilesOpen => Interlocked.Read(ref _rebindsWithFilesOpen);

    public long ResetEnablePairs => Interlocked.Read(ref _resetEnablePairs);

    public long ResetsThatSawVfs => Interlocked.Read(ref _resetsThatSawVfs);

    public long DisableIdleD3Suspends => Interlocked.Read(ref _disableIdleD3Suspends);

    public void Rebound(int filesClosed)
    {
        Interlocked.Increment(ref _rebinds);
        if (filesClosed > 0)
        {
            Interlocked.Increment(ref _rebindsWithFilesOpen);
        }
    }

    public void ResetDuringEnable(bool vfsPresentAfterReset)
    {
        Interlocked.Increment(ref _resetEnablePairs);
        if (vfsPresentAfterReset)
        {
            Interlocked.Increment(ref _resetsThatSawVfs);
        }
    }

    public long ResetsOverDisableIdleD3 => Interlocked.Read(ref _resetsOverDisableIdleD3);

    public void DisableIdleD3Suspended() => Interlocked.Increment(ref _disableIdleD3Suspends);

    public void ResetOverDisableIdleD3() => Interlocked.Increment(ref _resetsOverDisableIdleD3);

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Rebinds} rebinds ({RebindsWithFilesOpen} with files open), {ResetEnablePairs} hot resets during SR-IOV enable ({ResetsThatSawVfs} with VFs on the bus when the reset returned), {DisableIdleD3Suspends} disable_idle_d3 suspends (all while engaged), {ResetsOverDisableIdleD3} bus resets over the disable_idle_d3 device (all found it up)");
}
