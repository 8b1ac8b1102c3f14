using System;

namespace VfioPm.Annotations;

/// <summary>
/// Marks a <see langword="partial"/> class whose <see cref="VfioIoctlAttribute"/>, <see cref="VfioFeatureAttribute"/>
/// and <see cref="VfioRegionAttribute"/> handlers the source generator turns into <c>Ioctl</c>, <c>Read</c> and
/// <c>Write</c> dispatchers, each bracketed by a runtime-PM resume-and-get / put with resume errors masked as
/// <c>-EIO</c> (what the kernel writes by hand in <c>vfio_device_fops_unl_ioctl</c> and <c>vfio_pci_rw</c>).
/// The bracketed device is the member marked <see cref="PmDeviceAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class VfioDeviceOpsAttribute : Attribute
{
}
