using System;

namespace VfioPm.Runtime.Power;

/// <summary>The <c>rpmflags</c> argument bits of <c>rpm_idle</c>/<c>rpm_suspend</c>/<c>rpm_resume</c>.</summary>
[Flags]
internal enum RpmFlags
{
    None = 0,
    /// <summary>RPM_ASYNC: queue a request instead of running the callback.</summary>
    Async = 0x01,
    /// <summary>RPM_NOWAIT: do not wait for a concurrent transition.</summary>
    NoWait = 0x02,
    /// <summary>RPM_GET_PUT: increment (resume) or drop (idle/suspend) the usage count first.</summary>
    GetPut = 0x04,
    /// <summary>RPM_AUTO: honour the autosuspend delay.</summary>
    Auto = 0x08,
}
