using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Stress.Machine;
using VfioPm.Stress.Running;

namespace VfioPm.Stress.Invariants;

/// <summary>
/// Collects violations and checks the invariants that hold at every moment: by events (a fatal access, any runtime-PM
/// warning such as a usage-count underflow, a PF with VFs leaving D0) and by sampling (counts, latched errors, live
/// mappings of a device in low power). End-of-run invariants are in <see cref="FinalChecks"/>.
/// </summary>
public sealed class InvariantMonitor
{
    /// <summary>Violations kept in full; later ones are only counted.</summary>
    public const int MaxRecorded = 50;

    private readonly ConcurrentQueue<Violation> _violations = new();
    private int _count;

    /// <summary>Violations reported so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The first <see cref="MaxRecorded"/> violations.</summary>
    public IReadOnlyList<Violation> Violations => _violations.ToArray();

    /// <summary>Records a violation, attributed to the calling thread's operation when it has a trace.</summary>
    public void Report(string invariant, string detail)
    {
        if (Interlocked.Increment(ref _count) <= MaxRecorded)
        {
            var trace = ThreadTrace.Current;
            _violations.Enqueue(new Violation(invariant, detail, trace?.Name, trace?.InFlight));
        }
    }

    /// <summary>Subscribes to the machine's events: fatal accesses, runtime-PM warnings, the PF's power state.</summary>
    public void Watch(StressMachine machine)
    {
        foreach (var function in machine.Functions)
        {
            WatchFunction(function);
        }

        machine.Environment.Warning += (device, message) =>
        {
            // vfio_pci_core_request()'s pci_notice when an unbind waits for a user that registered no REQ eventfd
            // (Rebind): a notice the kernel prints on purpose, not a warning.
            if (!message.StartsWith("No device request channel registered", System.StringComparison.Ordinal))
            {
                Report("no runtime-PM warning", $"{device.Name}: {message}");
            }
        };
        machine.Environment.Transition += transition => CheckDisableIdleD3Suspend(machine, transition);
        foreach (var bridge in machine.Functions.Where(f => f.IsBridge))
        {
            bridge.SecondaryBusReset += b => CheckResetFindsEveryFunctionUp(machine, b);
        }
        var pf = machine.Functions[^1];
        pf.PowerStateChanged += (device, from, to) =>
        {
            // Raised by the thread that changed the state, right after it; VFs only appear after the PF is pinned in D0.
            if (to != PciPowerState.D0 && device.NumVfs > 0)
            {
                Report("a PF with VFs never below D0", $"{device.Name}: {from} -> {to} with {device.NumVfs} VFs");
            }
        };
    }

    /// <summary>
    /// A <c>disable_idle_d3</c> device keeps its probe reference while unused, so it can runtime-suspend only after its
    /// user engaged low power (which gives up a reference): any other suspend means something — a reset's get/put, a
    /// close, a rebind — dropped a reference it did not own, and the next reset would have to wake a device that
    /// should never have slept. Checked when the suspend completes: by then the suspend callback has waited for
    /// <c>memory_lock</c>, so an exit that raced it (close) has re-taken its reference.
    /// </summary>
    /// <remarks>Runs under the device's power lock (the transition event): reads only lock-free state.</remarks>
    private void CheckDisableIdleD3Suspend(StressMachine machine, Runtime.Power.RpmTransition transition)
    {
        if (transition.To != Runtime.Power.RpmStatus.Suspended)
        {
            return;
        }

        foreach (var device in machine.Devices)
        {
            if (!device.DisableIdleD3 || !ReferenceEquals(device.Pdev, transition.Device))
            {
                continue;
            }

            var vdev = device.Vdev;
            if (vdev.PmRuntimeEngaged || !vdev.IsRegistered)
            {
                machine.Paired.DisableIdleD3Suspended();
                return;
            }

            // __vfio_pci_runtime_pm_exit clears the flag just before it re-takes the reference: look again a moment later.
            Thread.SpinWait(64);
            if (!vdev.PmRuntimeEngaged && device.Pdev.Power.UsageCount == 0)
            {
                Report("a disable_idle_d3 device suspends only while its user has low power engaged", $"{device}: suspended with usage 0, not engaged");
            }
        }
    }

    /// <summary>
    /// A bus reset (hot reset, or try-reset at the last close) must find every function below it runtime-active: the
    /// reset resumed and holds each member, except a <c>disable_idle_d3</c> one, which try-reset does not touch
    /// because it never idles on its own — so a reset never has to wake it, and must never meet it suspended.
    /// </summary>
    /// <remarks>Runs on the resetting thread under the device-set lock and members' memory_locks; takes only power locks (innermost).</remarks>
    private void CheckResetFindsEveryFunctionUp(StressMachine machine, PciDevice bridge)
    {
        foreach (var child in bridge.Children)
        {
            if (child is not PciDevice function)
            {
                continue;
            }

            // pm_runtime_active(): a VF that SR-IOV enable has put on the bus but not yet added (runtime PM still
            // disabled, status the SUSPENDED of pm_runtime_init) is in D0 and may be reset, as in the kernel, where the
            // resettable check ran before it appeared.
            if (!function.Power.IsActive)
            {
                Report("a bus reset finds every function up (a disable_idle_d3 member on its own)", $"{bridge.Name}: {function.Name} is {function.Power}");
            }
            else if (machine.Devices.Any(d => d.DisableIdleD3 && ReferenceEquals(d.Pdev, function)))
            {
                machine.Paired.ResetOverDisableIdleD3();
            }
        }
    }

    /// <summary>Subscribes to one function's fatal accesses (VFs are watched as they appear).</summary>
    public void WatchFunction(PciDevice function) =>
        function.FatalAccess += access => Report("no config/BAR access outside D0", access.ToString());

    /// <summary>One pass of the sampled invariants.</summary>
    /// <remarks>Takes each device's power lock and memory_lock (read) briefly.</remarks>
    public void Sample(StressMachine machine)
    {
        foreach (var function in machine.AllFunctions.ToArray())
        {
            var power = function.Power;
            if (power.UsageCount < 0 || power.ChildCount < 0)
            {
                Report("usage and child counts never negative", power.ToString());
            }

            if (power.RuntimeError != 0)
            {
                Report("no latched runtime-PM error (no resume faults are injected)", power.ToString());
            }
        }

        foreach (var device in machine.Devices)
        {
            CheckNoLiveMappingWhileEngaged(device);
        }
    }

    /// <summary>
    /// Under <c>memory_lock</c> (read) the engaged flag cannot change and a fault cannot pass its check, so a mapping
    /// that is live while the device is engaged is exactly an mmap access that would succeed in low power.
    /// </summary>
    public void CheckNoLiveMappingWhileEngaged(StressDevice device)
    {
        using (device.Vdev.MemoryLock.ReadLock())
        {
            if (!device.Vdev.PmRuntimeEngaged)
            {
                return;
            }

            foreach (var slot in device.Slots)
            {
                foreach (var map in slot.Maps())
                {
                    if (map.IsMapped)
                    {
                        Report("no mmap access succeeds while low power is engaged", $"{device}: BAR{map.Bar} mapping is live while engaged");
                    }
                }
            }
        }
    }
}
