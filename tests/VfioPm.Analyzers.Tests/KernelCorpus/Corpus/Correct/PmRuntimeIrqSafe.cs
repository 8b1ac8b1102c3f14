// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c pm_runtime_irq_safe()
// why: the parent reference is handed to dev->power.irq_safe (issue 12: ownership held by object state), and only when
//      the device has a parent
namespace KernelCorpus.Cases;

/// <summary>The runtime-PM part of struct device that pm_runtime_irq_safe() and pm_runtime_reinit() touch.</summary>
public sealed class IrqSafeDevicePort
{
    public IrqSafeDevicePort(Device dev)
    {
        Dev = dev;
        Parent = dev.Parent;
    }

    public Device Dev { get; }

    /// <summary>dev->parent, fixed at registration.</summary>
    public Device? Parent { get; }

    /// <summary>dev->power.lock.</summary>
    public object PowerLock { get; } = new();

    /// <summary>dev->power.irq_safe: while set, the device keeps its parent resumed with one reference.</summary>
    [OwnsPmReference(nameof(Parent))]
    public bool IrqSafe;

    /// <summary>dev->power.needs_force_resume.</summary>
    public bool NeedsForceResume;
}

public static class PmRuntimeIrqSafePort
{
    public static void PmRuntimeIrqSafe(IrqSafeDevicePort dev)
    {
        if (dev.Parent != null)
            dev.Parent.Power.GetSync();

        lock (dev.PowerLock)
            dev.IrqSafe = true;
    }
}
