using System;
using System.Collections.Generic;
using System.Globalization;

using VfioPm.Annotations;

namespace VfioPm.Runtime.Pci;

// SR-IOV physical/virtual functions (drivers/pci/iov.c, the parts power management sees).
public partial class PciDevice
{
    private readonly List<PciDevice> _virtualFunctions = new();

    /// <summary>The PF this VF belongs to, or <see langword="null"/> for a PF or plain function.</summary>
    public PciDevice? PhysFn { get; private init; }

    /// <summary>True for an SR-IOV virtual function.</summary>
    public bool IsVirtFn => PhysFn is not null;

    /// <summary>True for an SR-IOV physical function (<c>TotalVfs</c> &gt; 0).</summary>
    public bool IsPhysFn => Spec.TotalVfs > 0;

    /// <summary>A VF has no memory-enable bit of its own: it lives in the PF (<c>no_command_memory</c>).</summary>
    public bool NoCommandMemory => IsVirtFn;

    /// <summary>VFs currently enabled (<c>pci_num_vf</c>).</summary>
    public int NumVfs
    {
        get
        {
            lock (_virtualFunctions)
            {
                return _virtualFunctions.Count;
            }
        }
    }

    /// <summary>The enabled VFs.</summary>
    public IReadOnlyList<PciDevice> VirtualFunctions
    {
        get
        {
            lock (_virtualFunctions)
            {
                return _virtualFunctions.ToArray();
            }
        }
    }

    /// <summary>Raised for each VF once it is on the bus (where the driver core would auto-probe a driver).</summary>
    public event Action<PciDevice>? VirtualFunctionAdded;

    /// <summary>Raised for each VF before it leaves the bus (where its driver would be unbound).</summary>
    public event Action<PciDevice>? VirtualFunctionRemoving;

    /// <summary>Enables <paramref name="numVfs"/> VFs. Writing the SR-IOV capability needs the PF in D0 (else a fatal access and <c>-EIO</c>).</summary>
    /// <returns>0; <c>-EINVAL</c> if not a PF or too many; <c>-EBUSY</c> if VFs are already enabled.</returns>
    // models pci_enable_sriov()
    [RequiresPmReference]
    [MayRunPmCallbacks]
    public int EnableSriov(int numVfs)
    {
        if (!IsPhysFn || numVfs <= 0 || numVfs > Spec.TotalVfs)
        {
            return -Errno.EINVAL;
        }

        if (NumVfs != 0)
        {
            return -Errno.EBUSY;
        }

        if (!IsReachable || HardwareState != PciPowerState.D0)
        {
            RecordFatal("SR-IOV enable");
            return -Errno.EIO;
        }

        var created = new List<PciDevice>();
        for (var i = 0; i < numVfs; i++)
        {
            var vfSpec = Spec with { TotalVfs = 0, HasIntx = false, PlatformD3Cold = false };
            var vf = new PciDevice(VfName(i), Upstream, Environment, vfSpec) { PhysFn = this, Platform = Platform };
            created.Add(vf);
        }

        lock (_virtualFunctions)
        {
            _virtualFunctions.AddRange(created);
        }

        foreach (var vf in created)
        {
            vf.AddToBus();
            VirtualFunctionAdded?.Invoke(vf);
        }

        return 0;
    }

    /// <summary>Disables all VFs (unbinding and removing them).</summary>
    // models pci_disable_sriov()
    [MayRunPmCallbacks]
    public void DisableSriov()
    {
        PciDevice[] vfs;
        lock (_virtualFunctions)
        {
            vfs = _virtualFunctions.ToArray();
            _virtualFunctions.Clear();
        }

        foreach (var vf in vfs)
        {
            VirtualFunctionRemoving?.Invoke(vf);
            vf.RemoveFromBus();
        }
    }

    /// <summary>Takes the function off the bus: unbind, disable runtime PM and stop counting as an active child.</summary>
    // models pci_stop_and_remove_bus_device() -> device_del() -> pm_runtime_remove()
    public void RemoveFromBus()
    {
        Unbind();
        Power.Disable(checkResume: false);
        // pm_runtime_reinit(): a removed device that was active stops counting in its parent's child_count.
        if (Power.Status == VfioPm.Runtime.Power.RpmStatus.Active)
        {
            Power.SetSuspended();
        }

        Parent?.RemoveChild(this);
    }

    private string VfName(int index)
    {
        // BDF "dddd:bb:dd.f": VFs follow the PF's devfn.
        var colon = Name.LastIndexOf(':');
        var dot = Name.LastIndexOf('.');
        if (colon < 0 || dot < colon
            || !int.TryParse(Name.AsSpan(colon + 1, dot - colon - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var dev)
            || !int.TryParse(Name.AsSpan(dot + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var fn))
        {
            return $"{Name}-vf{index}";
        }

        var devfn = (dev * 8) + fn + 1 + index;
        return string.Create(CultureInfo.InvariantCulture, $"{Name[..(colon + 1)]}{devfn / 8:x2}.{devfn % 8:x}");
    }
}
