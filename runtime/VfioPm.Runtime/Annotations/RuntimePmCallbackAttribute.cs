using System;

namespace VfioPm.Annotations;

/// <summary>
/// A runtime suspend/resume/idle callback. The PM core calls it with the device's power lock dropped while the
/// status is <c>Suspending</c>/<c>Resuming</c>; the device is reachable inside it, so device access needs no
/// runtime-PM reference (VPM0006 does not apply), but it must not call synchronous runtime-PM functions on its own
/// device (they would wait for the transition the callback is part of).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class RuntimePmCallbackAttribute : Attribute
{
}
