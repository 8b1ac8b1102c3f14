using System.Threading;
using VfioPm.Runtime.Power;

namespace VfioPm.Stress.Running;

/// <summary>How much power management a run really exercised: runtime suspends and resumes completed.</summary>
public sealed class RunStats
{
    private long _suspends;
    private long _resumes;

    /// <summary>Starts counting the transitions of <paramref name="environment"/>.</summary>
    public RunStats(PmEnvironment environment) =>
        environment.Transition += t =>
        {
            if (t.From == RpmStatus.Suspending && t.To == RpmStatus.Suspended)
            {
                Interlocked.Increment(ref _suspends);
            }
            else if (t.From == RpmStatus.Resuming && t.To == RpmStatus.Active)
            {
                Interlocked.Increment(ref _resumes);
            }
        };

    /// <summary>Completed runtime suspends.</summary>
    public long Suspends => Interlocked.Read(ref _suspends);

    /// <summary>Completed runtime resumes.</summary>
    public long Resumes => Interlocked.Read(ref _resumes);
}
