using System;
using System.Collections.Generic;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Workload;

/// <summary>
/// The seeded operation sequence of one worker thread. Operation <c>i</c> of thread <c>t</c> depends only on the seed,
/// <c>t</c> and <c>i</c>, so a run can be replayed (or a prefix of it) from the seed and the per-thread counts alone.
/// </summary>
public sealed class OperationStream
{
    // Relative weights: the user-visible paths that race with runtime PM most get the most traffic.
    private static readonly (OpKind Kind, int Weight)[] Weights =
    {
        (OpKind.Open, 8), (OpKind.Close, 5),
        (OpKind.LowPowerEntry, 7), (OpKind.LowPowerEntryWithWakeup, 6), (OpKind.LowPowerExit, 6), (OpKind.BadFeature, 5),
        (OpKind.OtherIoctl, 4), (OpKind.SetIrqs, 4), (OpKind.DeviceReset, 2), (OpKind.HotReset, 2),
        (OpKind.ConfigRead, 6), (OpKind.CommandWrite, 4), (OpKind.PmcsrWrite, 3), (OpKind.BarAccess, 6), (OpKind.BadRegionAccess, 3),
        (OpKind.Mmap, 3), (OpKind.MmapAccess, 7), (OpKind.CloseWakeFd, 2),
        (OpKind.HostConfigRead, 5), (OpKind.HostPmReference, 2), (OpKind.PowerControl, 2), (OpKind.D3ColdAllowed, 1), (OpKind.SriovConfigure, 1),
        (OpKind.VfSession, 2), (OpKind.RaiseIntx, 2), (OpKind.Pause, 4),
        (OpKind.HotResetDuringSriovEnable, 1), (OpKind.Rebind, 1),
        (OpKind.InjectSuspendBusy, 1), (OpKind.InjectPowerOffFailure, 1),
    };

    private readonly Random _random;
    private readonly bool _faults;
    private readonly int _plantAt;
    private readonly int _totalWeight;
    private int _index;

    /// <summary>Creates the stream of worker <paramref name="thread"/>.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="thread">The worker's index.</param>
    /// <param name="faults">Include fault-injection operations.</param>
    /// <param name="plantAt">Tests only: on thread 0, operation number <paramref name="plantAt"/> becomes <see cref="OpKind.PlantedExtraPut"/>; -1 for none.</param>
    public OperationStream(int seed, int thread, bool faults = true, int plantAt = -1)
    {
        _random = new Random(unchecked((seed * 1_000_003) ^ ((thread * 7_919) + 17)));
        _faults = faults;
        _plantAt = thread == 0 ? plantAt : -1;
        foreach (var (kind, weight) in Weights)
        {
            _totalWeight += Counts(kind) ? weight : 0;
        }
    }

    /// <summary>The first <paramref name="count"/> operations of a thread's stream.</summary>
    public static IReadOnlyList<Operation> Take(int seed, int thread, int count, bool faults = true, int plantAt = -1)
    {
        var stream = new OperationStream(seed, thread, faults, plantAt);
        var ops = new Operation[count];
        for (var i = 0; i < count; i++)
        {
            ops[i] = stream.Next();
        }

        return ops;
    }

    /// <summary>The next operation.</summary>
    public Operation Next()
    {
        var pick = _random.Next(_totalWeight);
        var kind = OpKind.Pause;
        foreach (var (k, weight) in Weights)
        {
            if (!Counts(k))
            {
                continue;
            }

            if (pick < weight)
            {
                kind = k;
                break;
            }

            pick -= weight;
        }

        var target = kind is OpKind.HostConfigRead or OpKind.HostPmReference or OpKind.PowerControl or OpKind.D3ColdAllowed or OpKind.InjectSuspendBusy or OpKind.InjectPowerOffFailure
            ? _random.Next(StressMachine.FunctionCount)
            : _random.Next(StressMachine.VfioDeviceCount);
        var op = new Operation(kind, target, _random.Next(StressMachine.SlotsPerDevice), _random.Next());
        return _index++ == _plantAt ? op with { Kind = OpKind.PlantedExtraPut } : op;
    }

    private bool Counts(OpKind kind) => _faults || kind is not (OpKind.InjectSuspendBusy or OpKind.InjectPowerOffFailure);
}
