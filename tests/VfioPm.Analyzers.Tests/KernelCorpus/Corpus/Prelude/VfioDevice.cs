namespace KernelCorpus.Prelude;

/// <summary>struct vfio_device: what the open path reads and writes.</summary>
public sealed class VfioOpenDevice
{
    public VfioOpenDevice(Device dev, bool noOpenDevice)
    {
        Dev = dev;
        NoOpenDevice = noOpenDevice;
    }

    public Device Dev { get; }

    /// <summary>!device->ops->open_device: fixed by the driver's ops.</summary>
    public bool NoOpenDevice { get; }

    /// <summary>open_count (dev_set->lock): while non-zero the device keeps the reference open_device took.</summary>
    [OwnsPmReference(nameof(Dev), Unless = nameof(NoOpenDevice))]
    public int OpenCount;
}

/// <summary>struct vfio_device_file.</summary>
public sealed class VfioDfFile
{
    public VfioDfFile(VfioOpenDevice device, object? group)
    {
        Device = device;
        Group = group;
    }

    public VfioOpenDevice Device { get; }

    /// <summary>df->group: only the group path may open a device more than once.</summary>
    public object? Group { get; }
}
