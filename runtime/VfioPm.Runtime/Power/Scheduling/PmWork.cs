using System;
using System.Threading;

namespace VfioPm.Runtime.Power;

/// <summary>
/// One work item (a <c>work_struct</c>): at most one queued instance and never two running at once.
/// Its state is guarded by the owning <see cref="PmWorkQueue"/>'s gate.
/// </summary>
internal sealed class PmWork
{
    internal PmWork(Action execute) => Execute = execute;

    internal Action Execute { get; }

    /// <summary>Queued and not yet started (the kernel's WORK_STRUCT_PENDING bit).</summary>
    internal bool Pending;

    /// <summary>The thread running the item, or null.</summary>
    internal Thread? Runner;
}
