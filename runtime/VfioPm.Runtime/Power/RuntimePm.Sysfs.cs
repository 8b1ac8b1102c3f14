namespace VfioPm.Runtime.Power;

// The runtime attributes of /sys/devices/.../power/ (spec §4.17).
public sealed partial class RuntimePm
{
    /// <summary>What <c>power/control</c> reads: "auto" or "on".</summary>
    // models control_show()
    public string ControlText => IsAllowed ? "auto" : "on";

    /// <summary>What <c>power/runtime_status</c> reads: "error", "unsupported", or the status in lower case.</summary>
    // models runtime_status_show()
    public string RuntimeStatusText
    {
        get
        {
            lock (_lock)
            {
                if (_runtimeError != 0)
                {
                    return "error";
                }

                if (_disableDepth > 0)
                {
                    return "unsupported";
                }

                return _status switch
                {
                    RpmStatus.Active => "active",
                    RpmStatus.Resuming => "resuming",
                    RpmStatus.Suspending => "suspending",
                    _ => "suspended",
                };
            }
        }
    }

    /// <summary>What <c>power/runtime_active_kids</c> reads: 0 when children are ignored, else the child count.</summary>
    public int ActiveKidsText => IgnoresChildren ? 0 : ChildCount;

    /// <summary>Writes <c>power/control</c>: "auto" allows, "on" forbids (a trailing newline is accepted).</summary>
    /// <returns>0, or <c>-EINVAL</c> for anything else.</returns>
    /// <remarks>May sleep ("on" resumes synchronously).</remarks>
    // models control_store()
    public int WriteControl(string value)
    {
        switch (value?.TrimEnd('\n'))
        {
            case "auto":
                Allow();
                return 0;
            case "on":
                Forbid();
                return 0;
            default:
                return -Errno.EINVAL;
        }
    }
}
