using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Invariants;
using VfioPm.Stress.Machine;

namespace VfioPm.Stress.Fuzz;

/// <summary>
/// Feeds seeded malformed and valid inputs to <c>Ioctl</c>, <c>Read</c> and <c>Write</c> of the machine's vfio devices
/// (one open file each, on a deterministic platform) in every power situation the fuzzer can steer them into: active,
/// engaged and suspended, armed with a wake-up eventfd. Each input must be answered with its documented result and
/// never throw; afterwards the usage counts must match the open files and the low-power state, nothing may be latched,
/// and inputs refused before the PM wrapper must not have touched the device.
/// </summary>
public static class BufferFuzzer
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    /// <summary>Runs <paramref name="options"/>.<see cref="FuzzOptions.Inputs"/> inputs.</summary>
    public static FuzzReport Run(FuzzOptions options)
    {
        var clock = Stopwatch.StartNew();
        var monitor = new InvariantMonitor();
        var machine = StressMachine.Create(PmEnvironment.CreateDeterministic(), monitor);
        var files = machine.Devices.Select(d => d.Vdev.Open(machine.Fds)).ToArray();
        var wakeFd = machine.Fds.Install(new EventFd());
        machine.Platform.Settle(Settle);

        var random = new Random(options.Seed);
        var generator = new InputGenerator(random, wakeFd, machine.RegularFileFd);
        var byOrigin = new Dictionary<string, int>();
        var byResult = new Dictionary<string, int>();
        var failures = new List<FuzzFailure>();
        var failureCount = 0;
        var violationsSeen = 0;

        for (var n = 0; n < options.Inputs; n++)
        {
            var target = random.Next(machine.Devices.Count);
            Steer(machine, files[target], random, wakeFd);

            var input = generator.Next(target);
            var device = machine.Devices[target];
            var before = DeviceState.Of(device);
            var expected = CallOracle.Expect(input, new OracleContext(
                device.Pdev.IsPhysFn,
                EngagedAtHandler: before.Engaged && !(before.WakeArmed && before.Status == RpmStatus.Suspended),
                device.Pdev.Spec.HasIntx,
                device.Vdev.ResetWorks,
                device.Pdev.Bars.Select(b => b.Size).ToArray(),
                wakeFd,
                machine.RegularFileFd));

            var problems = new List<string>();
            long actual = 0;
            try
            {
                actual = input.Call switch
                {
                    FuzzCall.Ioctl => files[target].Ioctl(input.Command, input.Buffer),
                    FuzzCall.Read => files[target].Read(input.Buffer, input.Offset),
                    _ => files[target].Write(input.Buffer, input.Offset),
                };
            }
            catch (Exception ex)
            {
                problems.Add($"threw {ex.GetType().Name}: {ex.Message}");
            }

            if (problems.Count == 0 && !expected.Allows(actual))
            {
                problems.Add($"answered {Expected.Describe(actual)}, documented {expected}");
            }

            var after = DeviceState.Of(device);
            if (!expected.ReachesPm && (after.Status != before.Status || after.Usage != before.Usage))
            {
                problems.Add($"refused before the PM wrapper but the device changed: {before} -> {after}");
            }

            // A refused call changes nothing, except that any resume of an armed, suspended device ends low power.
            var wakeExit = expected.ReachesPm && before.WakeArmed && before.Status == RpmStatus.Suspended;
            if (actual < 0 && after.Engaged != before.Engaged && !(wakeExit && !after.Engaged))
            {
                problems.Add($"refused with {Expected.Describe(actual)} but low power changed: {before} -> {after}");
            }

            machine.Platform.RunWork();
            CheckLedger(machine, problems);
            if (monitor.Count > violationsSeen)
            {
                problems.AddRange(monitor.Violations.Skip(violationsSeen).Select(v => v.ToString()));
                violationsSeen = monitor.Count;
            }

            Count(byOrigin, input.Origin);
            Count(byResult, problems.Count == 0 ? (actual >= 0 ? "ok" : Expected.Describe(actual)) : "FAILED");
            if (problems.Count > 0)
            {
                failureCount++;
                if (failures.Count < FuzzReport.MaxRecorded)
                {
                    failures.Add(new FuzzFailure(n, input.ToString(), string.Join("; ", problems)));
                }
            }
        }

        return new FuzzReport
        {
            Seed = options.Seed,
            Inputs = options.Inputs,
            ByOrigin = byOrigin,
            ByResult = byResult,
            Failures = failures,
            FailureCount = failureCount,
            Elapsed = clock.Elapsed,
        };
    }

    // Now and then moves the target into another power situation, so inputs meet it active, engaged, suspended (D3hot
    // or D3cold), armed with a wake-up eventfd, with memory decode on or off.
    private static void Steer(StressMachine machine, VfioDeviceFile file, Random random, int wakeFd)
    {
        const uint set = VfioUapi.VFIO_DEVICE_FEATURE_SET;
        switch (random.Next(24))
        {
            case 0:
                machine.Platform.Settle(Settle);
                break;
            case 1:
                file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY));
                machine.Platform.Settle(Settle);
                break;
            case 2:
                file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(wakeFd));
                machine.Platform.Settle(Settle);
                break;
            case 3:
                file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, VfioFeatureRequest.Build(set | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT));
                break;
            case 4:
                file.Write(new byte[] { 0x02, 0x00 }, VfioUapi.RegionOffset(VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX) + 0x04);
                break;
        }

        machine.Platform.RunWork();
    }

    // With one open file per device and no SR-IOV: usage is 1 unless low power is engaged (the open reference given up);
    // nothing latched; a bridge counts exactly its active children.
    private static void CheckLedger(StressMachine machine, List<string> problems)
    {
        foreach (var device in machine.Devices)
        {
            var expected = device.Vdev.PmRuntimeEngaged ? 0 : 1;
            if (device.Pdev.Power.UsageCount != expected || device.Pdev.Power.RuntimeError != 0)
            {
                problems.Add($"{device}: usage {device.Pdev.Power.UsageCount}, expected {expected}; {device.Pdev.Power}");
            }
        }

        foreach (var function in machine.Functions.Where(f => f.IsBridge))
        {
            var active = function.Children.Count(c => c.Power.Status == RpmStatus.Active);
            if (function.Power.ChildCount != active)
            {
                problems.Add($"{function.Name}: child count {function.Power.ChildCount}, {active} children active");
            }
        }
    }

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private readonly record struct DeviceState(RpmStatus Status, int Usage, bool Engaged, bool WakeArmed)
    {
        public static DeviceState Of(StressDevice device) =>
            new(device.Pdev.Power.Status, device.Pdev.Power.UsageCount, device.Vdev.PmRuntimeEngaged, device.Vdev.HasWakeEventFd);
    }
}
