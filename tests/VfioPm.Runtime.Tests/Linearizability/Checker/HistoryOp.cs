using System.Threading;

namespace VfioPm.Runtime.Tests.Linearizability.Checker;

/// <summary>
/// One call in a concurrent history: what was called, what it returned, on which thread, and when it started and
/// ended on a clock shared by every thread of the run (a counter bumped with a full fence, so "A ended before B
/// started" is real-time order). One instance per generated operation: CsCheck hands the same instance to the run on
/// real threads (which fills it in) and to every sequential order it tries on the model (which reads it).
/// </summary>
/// <typeparam name="TKind">The operation alphabet.</typeparam>
internal sealed class HistoryOp<TKind>
    where TKind : struct
{
    public HistoryOp(TKind kind) => Kind = kind;

    public TKind Kind { get; }

    public int Result { get; set; }

    public int ThreadId { get; set; }

    public long Start { get; set; }

    public long End { get; set; }

    /// <summary>The run this op was last executed in (see <see cref="HistoryClock"/>).</summary>
    public int Run { get; set; } = -1;

    /// <inheritdoc/>
    public override string ToString() => $"{Kind}={Result} (thread {ThreadId}, [{Start},{End}])";
}

/// <summary>Real-time facts about a recorded history.</summary>
internal static class History
{
    /// <summary>True if two calls made on different threads were in flight at the same time.</summary>
    public static bool Overlaps<TKind>(System.Collections.Generic.IReadOnlyCollection<HistoryOp<TKind>> ops)
        where TKind : struct
    {
        foreach (var a in ops)
        {
            foreach (var b in ops)
            {
                if (a.ThreadId != b.ThreadId && a.Start < b.End && b.Start < a.End)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>The shared clock of one run: every start and end stamp is a distinct tick, ordered by a full fence.</summary>
internal sealed class HistoryClock
{
    private long _ticks;

    public long Tick() => Interlocked.Increment(ref _ticks);
}
