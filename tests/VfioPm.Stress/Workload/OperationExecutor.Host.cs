using System;
using System.Buffers.Binary;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

// What the host and its administrator do meanwhile: lspci, sysfs writes, SR-IOV, VF users, interrupts, injected faults.
public sealed partial class OperationExecutor
{
    private string HostConfigRead(Operation op)
    {
        var function = _machine.Functions[op.Target];
        var length = 1 + ((op.Arg >> 12) % 4);
        var offset = op.Arg % (PciConfigSpace.Size - length);
        return Expect(op, _machine.Platform.HostConfigRead(function, offset, _scratch.AsSpan(0, length)), length);
    }

    // Any resume counts as a wake for an armed ENTRY_WITH_WAKEUP, not only the user's own accesses (spec §3.6).
    private string HostPmReference(Operation op)
    {
        var power = _machine.Functions[op.Target].Power;
        var ret = power.ResumeAndGet();
        if (ret == 0)
        {
            _pace.Pause(_machine, 0);
            power.Put();
        }

        return Expect(op, _machine.Functions[op.Target].Name, ret, 0);
    }

    private string PowerControl(Operation op) =>
        Expect(op, _machine.Platform.WritePowerControl(_machine.Functions[op.Target], (op.Arg & 1) == 0 ? "on" : "auto"), 0);

    private string D3ColdAllowed(Operation op)
    {
        var allowed = (op.Arg & 1) == 0;
        _machine.NoteMayStayActive(_machine.Functions[op.Target]);
        _machine.Platform.WriteD3ColdAllowed(_machine.Functions[op.Target], allowed);
        return allowed ? "allowed" : "disallowed";
    }

    private string SriovConfigure(Operation op)
    {
        var numVfs = op.Arg % (StressMachine.MaxVfs + 1);
        var ret = _machine.Vfs.Configure(numVfs);
        return numVfs == 0 ? Expect(op, ret, 0) : Expect(op, ret, numVfs, -Errno.EINVAL);
    }

    // A VF's user: open, a few accesses (low power included), close — all while the VF cannot be removed.
    private string VfSession(Operation op)
    {
        if (!_machine.Vfs.TryEnter(op.Arg, out var vf))
        {
            return "no VFs";
        }

        try
        {
            var name = vf.Pdev.Name;
            var ret = vf.TryOpen(_machine.Fds, out var file);
            if (ret != 0 || file is null)
            {
                return Expect(op, $"open {name}", ret, 0);
            }

            var info = _scratch.AsSpan(0, 16);
            BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
            Expect(op, $"GET_INFO on {name}", file.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info), 0);
            if ((op.Arg & 8) != 0)
            {
                // Another session on the same VF may have engaged it already.
                var entry = VfioFeatureRequest.Build(Set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
                Expect(op, $"LOW_POWER_ENTRY on {name}", file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, entry), 0, -Errno.EINVAL);
                _pace.Pause(_machine, 1);
            }

            Expect(op, $"config read of {name}", file.Read(_scratch.AsSpan(0, 4), ConfigRegion), 4);
            Expect(op, $"lspci of {name}", _machine.Platform.HostConfigRead(vf.Pdev, 0, _scratch.AsSpan(0, 2)), 2);
            file.Close();
            return $"session on {vf.Pdev.Name}";
        }
        finally
        {
            _machine.Vfs.Exit();
        }
    }

    private string InjectSuspendBusy(Operation op)
    {
        var function = _machine.Functions[op.Target];
        var error = (op.Arg & 1) == 0 ? -Errno.EBUSY : -Errno.EAGAIN;
        _machine.NoteMayStayActive(function);
        _machine.Platform.FailRuntimeCallback(function, RuntimePmCallbackKinds.Suspend, error, times: 1);
        return $"next suspend of {function.Name}: {Errno.Describe(error)}";
    }

    private string InjectPowerOffFailure(Operation op)
    {
        var function = _machine.Functions[op.Target];
        _machine.Platform.FailPowerOff(function, times: 1);
        return $"next power-off of {function.Name} fails";
    }

    private string Pause(Operation op)
    {
        // Mostly a yield; now and then a few milliseconds, so devices really get to suspend between bursts.
        var ticks = Math.Max(0, (op.Arg % 16) - 12);
        _pace.Pause(_machine, ticks);
        return $"{ticks} ticks";
    }
}
