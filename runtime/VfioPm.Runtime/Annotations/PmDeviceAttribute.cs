using System;

namespace VfioPm.Annotations;

/// <summary>
/// On a field or property of a <see cref="VfioDeviceOpsAttribute"/> class: the runtime-PM device (a
/// <c>VfioPm.Runtime.Power.Device</c>) that generated dispatchers resume before a handler runs and put after it.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class PmDeviceAttribute : Attribute
{
}
