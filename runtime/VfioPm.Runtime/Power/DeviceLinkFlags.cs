using System;

namespace VfioPm.Runtime.Power;

/// <summary>Device-link flags that matter for runtime PM.</summary>
[Flags]
public enum DeviceLinkFlags
{
    /// <summary>A link that runtime PM ignores: the supplier is never touched by the consumer's transitions.</summary>
    None = 0,

    /// <summary>DL_FLAG_PM_RUNTIME: the consumer's runtime resume resumes the supplier first and its suspend releases it.</summary>
    PmRuntime = 1 << 2,

    /// <summary>DL_FLAG_RPM_ACTIVE: with <see cref="PmRuntime"/>, take a runtime reference on the supplier at creation.</summary>
    RpmActive = 1 << 3,
}
