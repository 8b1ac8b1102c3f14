using System;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace VfioPm.Benchmarks.Tracing;

/// <summary>
/// The get/put pair of two builds of <c>VfioPm.Runtime.dll</c> in one process (each in its own load context), timed on
/// the thread's CPU clock so that time the scheduler gives to other work on a shared machine does not count; the best
/// of many rounds, the two builds alternating. In one process a second-loaded copy of identical code measures slower
/// than the first (about 15% on our machine), so each comparison runs in two fresh child processes, the builds loaded
/// in both orders, and reports the geometric mean of the two ratios, in which that bias cancels.
/// </summary>
public static class TwoBuildsGetPut
{
    /// <summary>The hidden command line verb of one pass: <c>two-builds-pass &lt;first.dll&gt; &lt;second.dll&gt; &lt;rounds&gt;</c>.</summary>
    public const string PassVerb = "two-builds-pass";

    private const int PairsPerRound = 2_000_000;

    /// <summary>ns per pair of <paramref name="candidatePath"/> and of <paramref name="baselinePath"/>, and candidate/baseline.</summary>
    public static (double Candidate, double Baseline, double Ratio) Compare(string baselinePath, string candidatePath, int rounds)
    {
        var (b1, c1) = PassInChild(baselinePath, candidatePath, rounds);
        var (c2, b2) = PassInChild(candidatePath, baselinePath, rounds);
        var ratio = Math.Sqrt((c1 / b1) * (c2 / b2));
        return (Math.Min(c1, c2), Math.Min(b1, b2), ratio);
    }

    /// <summary>Runs one pass in this process and prints "first second" (ns per pair); the child side of <see cref="Compare"/>.</summary>
    public static int RunPass(string[] args)
    {
        var (first, second) = Pass(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine(FormattableString.Invariant($"{first} {second}"));
        return 0;
    }

    private static (double First, double Second) PassInChild(string firstPath, string secondPath, int rounds)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (System.IO.Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in new[] { PassVerb, System.IO.Path.GetFullPath(firstPath), System.IO.Path.GetFullPath(secondPath), rounds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd().Trim().Split('\n')[^1].Split(' ');
        child.WaitForExit();
        if (child.ExitCode != 0 || output.Length != 2)
        {
            throw new InvalidOperationException($"two-builds pass failed (exit {child.ExitCode})");
        }

        return (double.Parse(output[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(output[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (double First, double Second) Pass(string firstPath, string secondPath, int rounds)
    {
        var first = Load(firstPath, "first");
        var second = Load(secondPath, "second");
        var best = new[] { double.MaxValue, double.MaxValue };
        var pairs = new[] { first, second };
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < 2; k++)
            {
                var i = round % 2 == 0 ? k : 1 - k;
                var (get, put) = pairs[i];
                var start = CpuNs();
                for (var n = 0; n < PairsPerRound; n++)
                {
                    get();
                    put();
                }

                best[i] = Math.Min(best[i], (CpuNs() - start) / (double)PairsPerRound);
            }
        }

        return (best[0], best[1]);
    }

    // An Active device held in use in a fresh environment of that build, as Runtime.ActiveDevice builds one.
    private static (Func<int> Get, Func<int> Put) Load(string path, string name)
    {
        var assembly = new AssemblyLoadContext("runtime-" + name).LoadFromAssemblyPath(System.IO.Path.GetFullPath(path));
        var envType = assembly.GetType("VfioPm.Runtime.Power.PmEnvironment", throwOnError: true)!;
        var environment = envType.GetMethod("CreateDeterministic")!.Invoke(null, null);
        var deviceType = assembly.GetType("VfioPm.Runtime.Power.Device", throwOnError: true)!;
        var device = Activator.CreateInstance(deviceType, "gpu", null, environment)!;
        var pm = deviceType.GetProperty("Power")!.GetValue(device)!;
        var pmType = pm.GetType();
        Check((int)pmType.GetMethod("SetActive")!.Invoke(pm, null)! == 0, "set_active");
        pmType.GetMethod("Enable")!.Invoke(pm, null);
        Check((int)pmType.GetMethod("ResumeAndGet")!.Invoke(pm, null)! == 0, "base reference");
        var get = pmType.GetMethod("ResumeAndGet", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)!.CreateDelegate<Func<int>>(pm);
        var put = pmType.GetMethod("Put", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)!.CreateDelegate<Func<int>>(pm);
        return (get, put);
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"two-builds device setup failed at {what}");
        }
    }

    // CLOCK_THREAD_CPUTIME_ID on Linux; elsewhere the wall clock (then a loaded machine shows in the figures).
    private static long CpuNs()
    {
        if (OperatingSystem.IsLinux() && clock_gettime(3, out var ts) == 0)
        {
            return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
        }

        return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
