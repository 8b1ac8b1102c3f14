namespace VfioPm.Runtime.Power;

/// <summary>Pending async request (<c>enum rpm_request</c>). Order matters: <c>rpm_idle</c> yields to anything above Idle.</summary>
internal enum RpmRequest
{
    None = 0,
    Idle = 1,
    Suspend = 2,
    Autosuspend = 3,
    Resume = 4,
}
