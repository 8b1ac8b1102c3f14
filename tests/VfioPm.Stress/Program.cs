using System;
using System.CommandLine;
using VfioPm.Stress.Fuzz;
using VfioPm.Stress.Running;

// The reliability harness: a seeded concurrent stress run with invariants, a watchdog and shrinking, then the buffer
// fuzzer. Exit code 0 when both pass.
var ops = new Option<long>("--ops") { Description = "Operations in total, spread over the threads.", DefaultValueFactory = _ => 100_000 };
var seconds = new Option<int>("--seconds") { Description = "Wall-clock bound of the stress run.", DefaultValueFactory = _ => 60 };
var threads = new Option<int>("--threads") { Description = "Worker threads.", DefaultValueFactory = _ => 4 };
var seed = new Option<int>("--seed") { Description = "Seed of the operation streams and of the fuzzer.", DefaultValueFactory = _ => 1 };
var fuzz = new Option<int>("--fuzz") { Description = "Ioctl/read/write inputs to fuzz after the stress run (0: none).", DefaultValueFactory = _ => 10_000 };
var hang = new Option<int>("--hang-seconds") { Description = "An operation running longer than this is a hang.", DefaultValueFactory = _ => 10 };
var noFaults = new Option<bool>("--no-faults") { Description = "Leave fault injection out of the workload." };
var noShrink = new Option<bool>("--no-shrink") { Description = "Do not look for the shortest failing prefix." };

var root = new RootCommand("VfioPm reliability harness: concurrency stress with invariants, watchdog and shrinking; ioctl/read/write fuzzing.")
{
    ops, seconds, threads, seed, fuzz, hang, noFaults, noShrink,
};
root.SetAction(parse =>
{
    var passed = true;
    var options = new StressOptions
    {
        Operations = parse.GetValue(ops),
        Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
        Threads = Math.Max(1, parse.GetValue(threads)),
        Seed = parse.GetValue(seed),
        HangTimeout = TimeSpan.FromSeconds(parse.GetValue(hang)),
        Faults = !parse.GetValue(noFaults),
        Shrink = !parse.GetValue(noShrink),
        Log = Console.Out,
    };
    if (options.Operations > 0)
    {
        Console.WriteLine($"stress: seed {options.Seed}, {options.Threads} threads, up to {options.Operations} operations or {options.Duration.TotalSeconds:0} s");
        var report = StressRunner.Run(options);
        Console.Write(report.Format());
        passed &= report.Passed;
    }

    var inputs = parse.GetValue(fuzz);
    if (inputs > 0)
    {
        Console.WriteLine($"fuzz: seed {options.Seed}, {inputs} inputs");
        var report = BufferFuzzer.Run(new FuzzOptions { Seed = options.Seed, Inputs = inputs });
        Console.Write(report.Format());
        passed &= report.Passed;
    }

    return passed ? 0 : 1;
});
return root.Parse(args).Invoke();
