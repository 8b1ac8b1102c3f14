using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using VfioPm.Annotations;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// A reset group (<c>struct vfio_device_set</c>): the vfio devices a bus reset would hit together. Its lock
/// (<c>dev_set-&gt;lock</c>) is held across open, close and hot reset; lock order: device-set lock → <c>memory_lock</c>.
/// </summary>
public sealed class DeviceSet
{
    private static readonly ConditionalWeakTable<object, DeviceSet> Sets = new();
    private readonly List<VfioPciCoreDevice> _devices = new();

    private DeviceSet(object key) => Key = key;

    /// <summary>What the set is keyed by: the upstream bridge (bus reset scope), or the function itself on the root bus.</summary>
    public object Key { get; }

    /// <summary>The members, in registration order.</summary>
    public IReadOnlyList<VfioPciCoreDevice> Devices
    {
        get
        {
            lock (Gate)
            {
                return _devices.ToArray();
            }
        }
    }

    /// <summary><c>dev_set-&gt;lock</c>.</summary>
    internal object Gate { get; } = new();

    // models vfio_assign_device_set(): root-bus devices get their own set, others share their bus's.
    internal static DeviceSet Join(VfioPciCoreDevice vdev)
    {
        object key = (object?)vdev.Pdev.Upstream ?? vdev.Pdev;
        var set = Sets.GetValue(key, static k => new DeviceSet(k));
        lock (set.Gate)
        {
            set._devices.Add(vdev);
        }

        return set;
    }

    internal void Leave(VfioPciCoreDevice vdev)
    {
        lock (Gate)
        {
            _devices.Remove(vdev);
        }
    }

    // models vfio_device_set_open_count(). Caller holds Gate.
    internal int OpenCount => _devices.Sum(d => d.OpenCount);

    /// <summary>Resumes every member and takes a reference on each; on the first failure puts back exactly the ones taken, in reverse.</summary>
    /// <returns>0, or the failing device's raw error.</returns>
    /// <remarks>Caller holds the device-set lock; may sleep.</remarks>
    // models vfio_pci_dev_set_pm_runtime_get()
    [AcquiresPmReference("_devices[].Pdev", OnSuccess = true)]
    internal int PmRuntimeGet() => PmRuntimeGet(_devices);

    // vfio_pci_dev_set_pm_runtime_get() over the given members, with its continue-reverse unwind. Caller holds Gate.
    [AcquiresPmReference("members[].Pdev", OnSuccess = true)]
    private static int PmRuntimeGet(IReadOnlyList<VfioPciCoreDevice> members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            var ret = members[i].Pdev.Power.ResumeAndGet();
            if (ret < 0)
            {
                for (var j = i - 1; j >= 0; j--)
                {
                    members[j].Pdev.Power.Put();
                }

                return ret;
            }
        }

        return 0;
    }

    // Drops the references PmRuntimeGet took. Caller holds Gate.
    [ReleasesPmReference("_devices[].Pdev")]
    internal void PmRuntimePut()
    {
        foreach (var d in _devices)
        {
            d.Pdev.Power.Put();
        }
    }

    /// <summary>The bridge whose bus reset hits only members of this set, or <see langword="null"/> if none does.</summary>
    // models vfio_pci_dev_set_resettable()
    internal PciDevice? FindResettable()
    {
        if (Key is not PciDevice bridge || !bridge.IsBridge)
        {
            return null;
        }

        foreach (var child in bridge.Children)
        {
            if (child is PciDevice pci && !_devices.Any(d => ReferenceEquals(d.Pdev, pci)))
            {
                return null;
            }
        }

        return bridge;
    }

    /// <summary>
    /// Resets the bus when the last member closes and one of them is dirty. Members are resumed and held for the reset,
    /// except those with <c>disable_idle_d3</c>: they never idle into D3, and the kernel takes no reference for them.
    /// </summary>
    /// <remarks>Caller holds the device-set lock; may sleep.</remarks>
    // models vfio_pci_dev_set_try_reset(): "if (!disable_idle_d3 && vfio_pci_dev_set_pm_runtime_get(dev_set))" and the
    // matching conditional put, with disable_idle_d3 read from each member's latch.
    internal void TryReset()
    {
        // The closing device still counts as open.
        if (OpenCount > 1 || !_devices.Any(d => d.NeedsReset))
        {
            return;
        }

        var bridge = FindResettable();
        if (bridge is null)
        {
            return;
        }

        var held = _devices.Where(d => !d.DisableIdleD3).ToArray();
        if (PmRuntimeGet(held) != 0)
        {
            return;
        }

        var resetDone = bridge.ResetSecondaryBus() == 0;
        foreach (var d in _devices)
        {
            if (resetDone)
            {
                d.NeedsReset = false;
            }
        }

        foreach (var d in held)
        {
            d.Pdev.Power.Put();
        }
    }

    /// <summary>Hot reset of the whole set, from an ioctl on one of its devices.</summary>
    /// <returns>0; <c>-EINVAL</c> if no bus reset covers only this set; <c>-EBUSY</c> if a member's <c>memory_lock</c> is contended; a resume error raw.</returns>
    /// <remarks>Takes the device-set lock; may sleep. Every member — <c>disable_idle_d3</c> or not — gets a PM reference first and a put on every path after.</remarks>
    // models vfio_pci_dev_set_hot_reset() (6.10+ trylock-then-zap form; group ownership is not modelled)
    internal int HotReset()
    {
        lock (Gate)
        {
            var bridge = FindResettable();
            if (bridge is null)
            {
                return -Errno.EINVAL;
            }

            var ret = PmRuntimeGet();
            if (ret != 0)
            {
                return ret;
            }

            try
            {
                if (!TryLockAndZapAll(_devices))
                {
                    return -Errno.EBUSY;
                }

                try
                {
                    foreach (var d in _devices)
                    {
                        d.SetPowerStateLocked(PciPowerState.D0);
                    }

                    return bridge.ResetSecondaryBus();
                }
                finally
                {
                    UnlockAll(_devices);
                }
            }
            finally
            {
                PmRuntimePut();
            }
        }
    }

    // Hot reset's lock list: memory_lock for write on each member, taken with a trylock (locking several devices'
    // memory_lock can deadlock against a user's faults, so contention unwinds instead of waiting), each member's
    // mmaps zapped once its lock is held; on contention the ones taken are released in reverse and none is held.
    // models the down_write_trylock() loop of vfio_pci_dev_set_hot_reset() and its err_undo
    [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "members[].MemoryLock")]
    private static bool TryLockAndZapAll(IReadOnlyList<VfioPciCoreDevice> members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (!members[i].MemoryLock.DownWriteTrylock())
            {
                for (var j = i - 1; j >= 0; j--)
                {
                    members[j].MemoryLock.UpWrite();
                }

                return false;
            }

            members[i].ZapMmaps();
        }

        return true;
    }

    // Releases the lock list TryLockAndZapAll took, last member first.
    [ReleasesMemoryLock(Lock = "members[].MemoryLock")]
    private static void UnlockAll(IReadOnlyList<VfioPciCoreDevice> members)
    {
        for (var i = members.Count - 1; i >= 0; i--)
        {
            members[i].MemoryLock.UpWrite();
        }
    }
}
