using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace VfioPm.Runtime.Power;

/// <summary>
/// A device in the power-management tree (<c>struct device</c>, the parts runtime PM uses): a name, a parent, its
/// runtime-PM state (<see cref="Power"/>) and the callbacks the PM core looks up for it.
/// </summary>
public class Device
{
    private ImmutableArray<Device> _children = ImmutableArray<Device>.Empty;
    private ImmutableArray<DeviceLink> _supplierLinks = ImmutableArray<DeviceLink>.Empty;
    private ImmutableArray<DeviceLink> _consumerLinks = ImmutableArray<DeviceLink>.Empty;
    private readonly object _topologyGate = new();

    /// <summary>Creates a device under <paramref name="parent"/>, in <paramref name="environment"/> (default: the parent's, else <see cref="PmEnvironment.Default"/>).</summary>
    /// <remarks>Like <c>pm_runtime_init</c>: status Suspended, runtime PM disabled (depth 1), usage count 0, allowed.</remarks>
    public Device(string name, Device? parent = null, PmEnvironment? environment = null)
        : this(name, parent, environment, attachToParent: true)
    {
    }

    /// <summary>
    /// For derived types: creates the device, adding it to its parent's children only when <paramref name="attachToParent"/>
    /// is true. A derived type that has state of its own passes false and calls <see cref="AttachToParent"/> at the end of
    /// its constructor: other threads walk a parent's children, and must never meet a half-built device there.
    /// </summary>
    protected Device(string name, Device? parent, PmEnvironment? environment, bool attachToParent)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Parent = parent;
        Environment = environment ?? parent?.Environment ?? PmEnvironment.Default;
        Power = new RuntimePm(this);
        if (attachToParent)
        {
            parent?.AddChild(this);
        }
    }

    /// <summary>The device name (<c>dev_name</c>).</summary>
    public string Name { get; }

    /// <summary>The parent device, or <see langword="null"/> for a root.</summary>
    public Device? Parent { get; }

    /// <summary>The children, in creation order.</summary>
    public IReadOnlyList<Device> Children => _children;

    /// <summary>The runtime-PM state and API of this device (<c>dev-&gt;power</c>).</summary>
    public RuntimePm Power { get; }

    /// <summary>The clock, workqueue and trace this device uses.</summary>
    public PmEnvironment Environment { get; }

    /// <summary>
    /// The subsystem-level callbacks: PM domain, device type, class or bus, whichever the kernel's lookup would find
    /// first. A callback missing here falls back to <see cref="Driver"/>'s.
    /// </summary>
    public IRuntimePmCallbacks? Subsystem { get; set; }

    /// <summary>The bound driver's callbacks (<c>dev-&gt;driver-&gt;pm</c>), or <see langword="null"/>.</summary>
    public IRuntimePmCallbacks? Driver { get; set; }

    /// <summary>Links in which this device is the consumer.</summary>
    public IReadOnlyList<DeviceLink> SupplierLinks => _supplierLinks;

    /// <summary>Links in which this device is the supplier.</summary>
    public IReadOnlyList<DeviceLink> ConsumerLinks => _consumerLinks;

    /// <inheritdoc/>
    public override string ToString() => Name;

    // models __rpm_get_callback(): the subsystem's callback if it has one, else the driver's.
    internal IRuntimePmCallbacks? FindCallbacks(RuntimePmCallbackKinds kind)
    {
        var subsystem = Subsystem;
        if (subsystem is not null && (subsystem.Provides & kind) != 0)
        {
            return subsystem;
        }

        var driver = Driver;
        return driver is not null && (driver.Provides & kind) != 0 ? driver : null;
    }

    /// <summary>Adds this device to its parent's children (for derived constructors, once the object is complete).</summary>
    // models device_add() making the device visible on its parent's list only after device_initialize() and setup.
    protected void AttachToParent() => Parent?.AddChild(this);

    private void AddChild(Device child)
    {
        lock (_topologyGate)
        {
            _children = _children.Add(child);
        }
    }

    internal void RemoveChild(Device child)
    {
        lock (_topologyGate)
        {
            _children = _children.Remove(child);
        }
    }

    internal void AddLink(DeviceLink link, bool asConsumer)
    {
        lock (_topologyGate)
        {
            if (asConsumer)
            {
                _supplierLinks = _supplierLinks.Add(link);
            }
            else
            {
                _consumerLinks = _consumerLinks.Add(link);
            }
        }
    }

    internal void RemoveLink(DeviceLink link, bool asConsumer)
    {
        lock (_topologyGate)
        {
            if (asConsumer)
            {
                _supplierLinks = _supplierLinks.Remove(link);
            }
            else
            {
                _consumerLinks = _consumerLinks.Remove(link);
            }
        }
    }
}
