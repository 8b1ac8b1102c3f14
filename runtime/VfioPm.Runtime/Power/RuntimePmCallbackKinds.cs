using System;

namespace VfioPm.Runtime.Power;

/// <summary>Which runtime callbacks a set of <see cref="IRuntimePmCallbacks"/> provides (a NULL pointer in <c>dev_pm_ops</c> is a missing one).</summary>
[Flags]
public enum RuntimePmCallbackKinds
{
    /// <summary>No runtime callback.</summary>
    None = 0,
    /// <summary><c>runtime_suspend</c>.</summary>
    Suspend = 1,
    /// <summary><c>runtime_resume</c>.</summary>
    Resume = 2,
    /// <summary><c>runtime_idle</c>.</summary>
    Idle = 4,
    /// <summary>All three.</summary>
    All = Suspend | Resume | Idle,
}
