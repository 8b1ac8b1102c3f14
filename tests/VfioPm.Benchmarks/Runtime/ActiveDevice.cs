using System;
using VfioPm.Runtime.Power;

namespace VfioPm.Benchmarks.Runtime;

/// <summary>
/// A runtime-PM device that is Active and in use: enabled, set active, and holding one reference (as an open vfio
/// device does), so a get/put pair moves the count 1 → 2 → 1 and never reaches the idle path.
/// </summary>
public static class ActiveDevice
{
    /// <summary>Creates the device; <paramref name="disabled"/> disables runtime PM once it is Active (every get then takes the lock).</summary>
    public static RuntimePm Create(string name, bool disabled = false)
    {
        var env = new PmEnvironment(TimeProvider.System, new ManualPmWorkQueue());
        var device = new Device(name, null, env) { Driver = new RuntimePmOps { Suspend = _ => 0, Resume = _ => 0 } };
        var pm = device.Power;
        Check(pm.SetActive() == 0, "set_active");
        pm.Enable();
        Check(pm.ResumeAndGet() == 0, "base reference"); // the locked get that opens the fast path
        if (disabled)
        {
            pm.Disable(); // last_status Active: a get still succeeds, always under the lock
        }

        Check(pm.ResumeAndGet() == 0 && pm.Put() == 0 && pm.UsageCount == 1, "pair");
        return pm;
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"benchmark device setup failed at {what}");
        }
    }
}
