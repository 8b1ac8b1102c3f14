using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Machine;
using VfioPm.Stress.Running;
using VfioPm.Stress.Workload;

namespace VfioPm.Stress.Invariants;

/// <summary>
/// The end-of-run invariants. Every user goes away (files closed, VFs disabled, sysfs and faults back to defaults);
/// then every count must be back to its idle value and every function suspended — nothing leaked. Then each device is
/// opened, used and closed once more and must suspend again.
/// </summary>
public static class FinalChecks
{
    /// <summary>How long PM activity may take to settle.</summary>
    public static readonly TimeSpan QuiesceTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs the end-of-run checks on the calling thread, reporting to the machine's monitor.</summary>
    public static void Run(StressMachine machine, IPace pace, ThreadTrace trace)
    {
        var monitor = machine.Monitor;
        Step(trace, "final: every user goes away", () => Teardown(machine));
        Step(trace, "final: quiesce", () => Quiesce(machine, pace));

        // A failed suspend, or a sync resume that cancelled a pending idle, leaves a device active until its next put, as
        // in the kernel. Only those devices get that poke; any other device still up now never got its last idle.
        Step(trace, "final: poke devices the run may have left active", () =>
        {
            foreach (var function in machine.Functions)
            {
                if (machine.MayStayActive(function) && function.Power.Status == RpmStatus.Active)
                {
                    function.Power.RequestIdle();
                }
            }

            Quiesce(machine, pace);
        });
        Step(trace, "final: counts back to idle", () => CheckIdle(machine, "after the run"));

        Step(trace, "final: every device can suspend again", () =>
        {
            // An open below a suspended bridge powers the bridge up, and pci_resume_bus() queues a resume request on
            // every function below it. If that request's worker is still waiting for the parent when the close's put
            // queues the idle, rpm_resume() repeats, clears the idle request and returns 1 on the now active device:
            // as in the kernel, the function stays up until its next put. Those functions get one more idle request.
            var resumedByBridge = new HashSet<PciDevice>();
            foreach (var device in machine.Devices)
            {
                if (device.Pdev.Parent is { } bridge && bridge.Power.Status != RpmStatus.Active)
                {
                    foreach (var function in machine.Functions)
                    {
                        if (IsBelow(function, bridge))
                        {
                            resumedByBridge.Add(function);
                        }
                    }
                }

                var ret = device.Vdev.TryOpen(machine.Fds, out var file);
                if (ret != 0 || file is null)
                {
                    monitor.Report("every device can suspend again", $"{device}: open failed with {Errno.Describe(ret)}");
                    continue;
                }

                var info = new byte[16];
                BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
                if (file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info) != 0)
                {
                    monitor.Report("every device can suspend again", $"{device}: GET_INFO failed after the run");
                }

                file.Close();
            }

            Quiesce(machine, pace);
            foreach (var function in resumedByBridge)
            {
                if (function.Power.Status == RpmStatus.Active && function.Power.UsageCount == 0)
                {
                    function.Power.RequestIdle();
                }
            }

            Quiesce(machine, pace);
            CheckIdle(machine, "after one more open/close");
        });
    }

    private static void Step(ThreadTrace trace, string what, Action action)
    {
        trace.Begin(what);
        action();
        trace.End("done");
    }

    private static bool IsBelow(PciDevice function, Device bridge)
    {
        for (var up = function.Parent; up is not null; up = up.Parent)
        {
            if (ReferenceEquals(up, bridge))
            {
                return true;
            }
        }

        return false;
    }

    private static void Teardown(StressMachine machine)
    {
        foreach (var device in machine.Devices)
        {
            foreach (var slot in device.Slots)
            {
                slot.EnterExclusive();
                try
                {
                    OperationExecutor.CloseLocked(slot);
                }
                finally
                {
                    slot.ExitExclusive();
                }
            }

            device.WakeFds.CloseAll();
        }

        if (machine.Vfs.Configure(0) != 0)
        {
            machine.Monitor.Report("teardown", "disabling SR-IOV failed");
        }

        foreach (var function in machine.Functions)
        {
            machine.Platform.FailRuntimeCallback(function, RuntimePmCallbackKinds.Suspend, times: 0);
            machine.Platform.FailPowerOff(function, times: 0);
            machine.Platform.WritePowerControl(function, "auto");
            if (!function.D3ColdAllowed)
            {
                machine.NoteMayStayActive(function);
                machine.Platform.WriteD3ColdAllowed(function, true);
            }
        }
    }

    private static void Quiesce(StressMachine machine, IPace pace)
    {
        if (!pace.Quiesce(machine, QuiesceTimeout))
        {
            machine.Monitor.Report("PM activity settles", $"still changing after {QuiesceTimeout.TotalSeconds:0} s");
        }
    }

    // A disable_idle_d3 device keeps exactly its probe reference (spec §3.3, §3.16) and stays in D0; each ancestor
    // holds no reference and counts its active children.
    private static void CheckHeldUp(StressMachine machine, PciDevice function, string when)
    {
        var power = function.Power;
        var isDevice = machine.Devices.Any(d => d.DisableIdleD3 && ReferenceEquals(d.Pdev, function));
        var activeChildren = function.Children.Count(c => c.Power.Status == RpmStatus.Active);
        var usage = isDevice ? 1 : 0;
        if (power.UsageCount != usage || power.ChildCount != activeChildren || power.RuntimeError != 0)
        {
            machine.Monitor.Report("the disable_idle_d3 ledger: its probe reference, nothing else", $"{when}: {power} (expected usage {usage}, {activeChildren} active children)");
        }

        if (power.Status != RpmStatus.Active || function.CurrentState != PciPowerState.D0)
        {
            machine.Monitor.Report("a disable_idle_d3 device (and its port) stays up while unused", $"{when}: {power}, {function.CurrentState}");
        }
    }

    private static void CheckIdle(StressMachine machine, string when)
    {
        var monitor = machine.Monitor;
        foreach (var function in machine.Functions)
        {
            var power = function.Power;
            if (machine.HeldUpByDisableIdleD3(function))
            {
                CheckHeldUp(machine, function, when);
                continue;
            }

            if (power.UsageCount != 0 || power.ChildCount != 0 || power.RuntimeError != 0)
            {
                monitor.Report("counts back to their idle values", $"{when}: {power}");
            }

            if (power.Status != RpmStatus.Suspended || function.CurrentState < PciPowerState.D3hot)
            {
                monitor.Report("every device suspends once its last user is gone", $"{when}: {power}, {function.CurrentState}");
            }
        }

        foreach (var device in machine.Devices)
        {
            var vdev = device.Vdev;
            if (vdev.PmRuntimeEngaged || vdev.HasWakeEventFd || vdev.OpenCount != 0 || vdev.SriovActive || vdev.MmapCount != 0)
            {
                monitor.Report(
                    "vfio state back to idle",
                    $"{when}: {device} engaged={vdev.PmRuntimeEngaged} wakefd={vdev.HasWakeEventFd} open={vdev.OpenCount} sriov={vdev.SriovActive} mmaps={vdev.MmapCount}");
            }

            if (vdev.MemoryLock.IsWriteLocked || vdev.MemoryLock.ReaderCount != 0)
            {
                monitor.Report("memory_lock released", $"{when}: {device} writer={vdev.MemoryLock.IsWriteLocked} readers={vdev.MemoryLock.ReaderCount}");
            }
        }
    }
}
