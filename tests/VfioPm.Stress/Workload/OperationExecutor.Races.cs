using System;
using System.Diagnostics;
using System.Threading;
using VfioPm.Runtime;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

// Workloads that pair two paths on purpose, because random scheduling makes them meet too seldom: a hot reset of the
// PF's reset group while SR-IOV enable creates VFs in it, and an unbind/rebind of a device whose files are open.
public sealed partial class OperationExecutor
{
    private static readonly TimeSpan UnbindPatience = TimeSpan.FromSeconds(8);

    // VFIO_DEVICE_PCI_HOT_RESET on the PF while another thread writes sriov_numvfs: VFs appear on the bus (and join the
    // reset group) while the reset takes its PM references and memory_locks. Both must answer as documented, nothing may
    // touch a function outside D0, and a PF with VFs never leaves D0 (InvariantMonitor).
    private string HotResetDuringSriovEnable(Operation op)
    {
        var pf = _machine.Pf;
        var slot = pf.Slots[op.Slot];
        if (!slot.TryEnterShared(out var file))
        {
            return "no file";
        }

        try
        {
            var numVfs = 1 + (op.Arg % StressMachine.MaxVfs);
            if (!_pace.Concurrent)
            {
                // A replay: the two halves in an order the argument picks, on this thread.
                var first = (op.Arg & 1) == 0;
                var enabled = first ? _machine.Vfs.Configure(numVfs) : 0;
                var resetFirst = file.Ioctl(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, Span<byte>.Empty);
                enabled = first ? enabled : _machine.Vfs.Configure(numVfs);
                _machine.Paired.ResetDuringEnable(pf.Pdev.NumVfs > 0);
                Expect(op, "hot reset", resetFirst, 0, -Errno.EINVAL, -Errno.EBUSY);
                Expect(op, $"sriov_numvfs={numVfs}", enabled, numVfs, -Errno.EINVAL);
                return $"reset {Describe(resetFirst)}, enable {Describe(enabled)}";
            }

            var enable = 0;
            using var start = new ManualResetEventSlim();
            var enabler = new Thread(() =>
            {
                start.Wait();
                enable = _machine.Vfs.Configure(numVfs);
            })
            { IsBackground = true, Name = "sriov-enable" };
            enabler.Start();
            start.Set();
            Thread.SpinWait(op.Arg & 0x3ff); // vary where the reset lands in the enable
            var reset = file.Ioctl(VfioUapi.VFIO_DEVICE_PCI_HOT_RESET, Span<byte>.Empty);
            var vfsSeen = pf.Pdev.NumVfs > 0;
            if (!enabler.Join(UnbindPatience))
            {
                _monitor.Report("SR-IOV enable completes", $"{op}: sriov_numvfs={numVfs} still running after {UnbindPatience.TotalSeconds:0} s");
                return "enable hung";
            }

            _machine.Paired.ResetDuringEnable(vfsSeen);
            Expect(op, "hot reset", reset, 0, -Errno.EINVAL, -Errno.EBUSY);
            Expect(op, $"sriov_numvfs={numVfs}", enable, numVfs, -Errno.EINVAL);
            return $"reset {Describe(reset)}, enable {Describe(enable)}";
        }
        finally
        {
            slot.ExitShared();
        }
    }

    // Unbinding vfio-pci while the user has the device open: the unbind waits for the last close (vfio_unregister_group_dev)
    // and relays the device request; the user, as a VMM does on that request, closes its files; then vfio-pci binds
    // again and the device must work as a fresh binding (the final checks hold its ledger: idle counts, suspended, or
    // the probe reference alone for disable_idle_d3). Not the PF: its unbind disables SR-IOV under VF users.
    private string Rebind(Operation op)
    {
        var device = _machine.Devices[op.Target % (StressMachine.VfioDeviceCount - 1)];
        lock (device.RebindGate)
        {
            var old = device.Vdev;
            var pdev = device.Pdev;
            if (!_pace.Concurrent)
            {
                // A replay: the user closes first, then the unbind has nothing to wait for.
                var closedFirst = CloseAll(device);
                pdev.Unbind();
                return Rebind(device, old, closedFirst);
            }

            var unbinder = new Thread(() => pdev.Unbind()) { IsBackground = true, Name = $"unbind {pdev.Name}" };
            unbinder.Start();

            // Wait for the unbind to be under way, then answer its request: close every file, again and again, since
            // an open that won its race against the unbind may still land in a slot.
            var clock = Stopwatch.StartNew();
            while (!old.IsUnregistering && old.IsRegistered && clock.Elapsed < UnbindPatience)
            {
                Thread.Yield();
            }

            var closed = 0;
            do
            {
                closed += CloseAll(device);
            }
            while (!unbinder.Join(10) && clock.Elapsed < UnbindPatience);

            if (unbinder.IsAlive)
            {
                _monitor.Report("unbind waits only for the last close", $"{device}: still unbinding {UnbindPatience.TotalSeconds:0} s after every file was closed (open count {old.OpenCount})");
                return "unbind hung";
            }

            return Rebind(device, old, closed);
        }
    }

    // After the unbind: nothing of the old binding may be left, and vfio-pci binds again.
    private string Rebind(StressDevice device, VfioPciCoreDevice old, int closed)
    {
        var pdev = device.Pdev;
        if (old.IsRegistered || old.OpenCount != 0 || pdev.BoundDriver is not null)
        {
            _monitor.Report("an unbind leaves nothing behind", $"{device}: registered={old.IsRegistered} open={old.OpenCount} driver={pdev.BoundDriver}");
        }

        var ret = pdev.Bind(device.Driver);
        var vdev = ret == 0 ? device.Driver.GetDevice(pdev) : null;
        if (vdev is null)
        {
            _monitor.Report("a device binds again after an unbind", $"{device}: bind returned {Describe(ret)}");
            return "rebind failed";
        }

        device.Rebound(vdev);
        _machine.Paired.Rebound(closed);
        return $"rebound after closing {closed} file(s)";
    }

    // Closes every file of the device (as the user does on the device request); returns how many were open.
    private static int CloseAll(StressDevice device)
    {
        var closed = 0;
        foreach (var slot in device.Slots)
        {
            slot.EnterExclusive();
            try
            {
                closed += CloseLocked(slot) ? 1 : 0;
            }
            finally
            {
                slot.ExitExclusive();
            }
        }

        return closed;
    }
}
