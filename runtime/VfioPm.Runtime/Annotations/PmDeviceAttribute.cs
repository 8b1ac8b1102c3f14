using System;

namespace VfioPm.Annotations;

/// <summary>
/// On a field or property of a <see cref="VfioDeviceOpsAttribute"/> class: the runtime-PM device (a
/// <c>VfioPm.Runtime.Power.Device</c>) that generated dispatchers resume before a handler runs and put after it.
/// </summary>
/// <remarks>
/// On any type it also says that the type's <see cref="RuntimePmCallbackAttribute"/> methods are this device's
/// runtime-PM callbacks, so a <see cref="MayRunPmCallbacksAttribute"/> call on the device made while holding a lock
/// those callbacks take is VPM0007.
/// </remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class PmDeviceAttribute : Attribute
{
}
