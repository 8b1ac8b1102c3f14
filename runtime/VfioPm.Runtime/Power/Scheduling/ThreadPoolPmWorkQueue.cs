using System.Threading;

namespace VfioPm.Runtime.Power;

/// <summary>A <see cref="PmWorkQueue"/> that runs requests on the .NET thread pool, concurrently across devices (like the unbound <c>pm_wq</c>).</summary>
public sealed class ThreadPoolPmWorkQueue : PmWorkQueue
{
    private protected override void Dispatch(PmWork work) =>
        ThreadPool.UnsafeQueueUserWorkItem(static w => ((ThreadPoolPmWorkQueue)w.Queue).RunIfPending(w.Work), new Item(this, work), preferLocal: false);

    private sealed record Item(PmWorkQueue Queue, PmWork Work);
}
