using System;
using System.Globalization;
using System.Linq;
using VfioPm.Runtime;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Invariants;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

/// <summary>
/// Runs operations against the machine and checks every result against what the uAPI documents for it. Anything that
/// escapes as an exception is a violation too (bad input must never throw). One executor per thread: it owns scratch
/// buffers.
/// </summary>
public sealed partial class OperationExecutor
{
    private readonly StressMachine _machine;
    private readonly IPace _pace;
    private readonly InvariantMonitor _monitor;
    private readonly byte[] _scratch = new byte[64];

    /// <summary>Creates an executor for one thread.</summary>
    public OperationExecutor(StressMachine machine, IPace pace)
    {
        _machine = machine;
        _pace = pace;
        _monitor = machine.Monitor;
        _badFeatures = BuildBadFeatures();
    }

    /// <summary>Runs <paramref name="op"/>; returns a short description of the outcome.</summary>
    public string Execute(Operation op)
    {
        string outcome;
        try
        {
            outcome = op.Kind switch
            {
                OpKind.Open => Open(op),
                OpKind.Close => Close(op),
                OpKind.LowPowerEntry => WithFile(op, LowPowerEntry),
                OpKind.LowPowerEntryWithWakeup => WithFile(op, LowPowerEntryWithWakeup),
                OpKind.LowPowerExit => WithFile(op, LowPowerExit),
                OpKind.BadFeature => WithFile(op, BadFeature),
                OpKind.OtherIoctl => WithFile(op, OtherIoctl),
                OpKind.SetIrqs => WithFile(op, SetIrqs),
                OpKind.DeviceReset => WithFile(op, DeviceReset),
                OpKind.HotReset => WithFile(op, HotReset),
                OpKind.ConfigRead => WithFile(op, ConfigRead),
                OpKind.CommandWrite => WithFile(op, CommandWrite),
                OpKind.PmcsrWrite => WithFile(op, PmcsrWrite),
                OpKind.BarAccess => WithFile(op, BarAccess),
                OpKind.BadRegionAccess => WithFile(op, BadRegionAccess),
                OpKind.Mmap => WithFile(op, Mmap),
                OpKind.MmapAccess => WithFile(op, AccessMapping),
                OpKind.CloseWakeFd => _machine.Devices[op.Target].WakeFds.CloseOne(op.Arg) ? "closed" : "none armed",
                OpKind.HostConfigRead => HostConfigRead(op),
                OpKind.HostPmReference => HostPmReference(op),
                OpKind.PowerControl => PowerControl(op),
                OpKind.D3ColdAllowed => D3ColdAllowed(op),
                OpKind.SriovConfigure => SriovConfigure(op),
                OpKind.VfSession => VfSession(op),
                OpKind.HotResetDuringSriovEnable => HotResetDuringSriovEnable(op),
                OpKind.Rebind => Rebind(op),
                OpKind.RaiseIntx => $"{_machine.Line.Raise()} claimed",
                OpKind.InjectSuspendBusy => InjectSuspendBusy(op),
                OpKind.InjectPowerOffFailure => InjectPowerOffFailure(op),
                OpKind.Pause => Pause(op),
                OpKind.PlantedExtraPut => Describe(_machine.Devices[op.Target].Pdev.Power.Put()),
                _ => throw new ArgumentOutOfRangeException(nameof(op), op.Kind, "unknown operation"),
            };
        }
        catch (Exception ex)
        {
            _monitor.Report("no exception escapes the runtime", $"{op}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            outcome = "threw " + ex.GetType().Name;
        }

        _pace.AfterOperation(_machine);
        return outcome;
    }

    // Runs an operation on the slot's file, holding it so it cannot be closed underneath (fdget).
    private string WithFile(Operation op, Func<Operation, StressDevice, VfioDeviceFile, string> action)
    {
        var device = _machine.Devices[op.Target];
        var slot = device.Slots[op.Slot];
        if (!slot.TryEnterShared(out var file))
        {
            return "no file";
        }

        try
        {
            return action(op, device, file);
        }
        finally
        {
            slot.ExitShared();
        }
    }

    // Checks a result against the documented ones for this call.
    private string Expect(Operation op, long result, params long[] documented) =>
        Expect(op, _machine.Devices.ElementAtOrDefault(op.Target)?.ToString() ?? "?", result, documented);

    // The same, naming the call (steps of a compound operation).
    private string Expect(Operation op, string call, long result, params long[] documented)
    {
        if (Array.IndexOf(documented, result) < 0)
        {
            _monitor.Report(
                "every call answers with a documented result",
                $"{op}: {call}: {Describe(result)}; documented: {string.Join(", ", documented.Select(Describe))}");
        }

        return Describe(result);
    }

    private static string Describe(long result) =>
        result < 0 && result >= int.MinValue ? Errno.Describe((int)result) : result.ToString(CultureInfo.InvariantCulture);
}
