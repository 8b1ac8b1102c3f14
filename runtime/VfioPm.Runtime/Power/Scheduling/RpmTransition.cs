using System;

namespace VfioPm.Runtime.Power;

/// <summary>One runtime-PM status change, as the <c>rpm_*</c> tracepoints would show it.</summary>
/// <param name="Time">Monotonic time since the environment was created.</param>
/// <param name="Device">The device whose status changed.</param>
/// <param name="From">The previous status.</param>
/// <param name="To">The new status.</param>
/// <param name="UsageCount">The usage count at the change.</param>
/// <param name="ChildCount">The count of active children at the change.</param>
public readonly record struct RpmTransition(TimeSpan Time, Device Device, RpmStatus From, RpmStatus To, int UsageCount, int ChildCount);
