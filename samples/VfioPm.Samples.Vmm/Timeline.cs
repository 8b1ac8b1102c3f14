using System;
using System.Collections.Generic;
using System.Globalization;
using VfioPm.Runtime.Power;

namespace VfioPm.Samples.Vmm;

/// <summary>Collects runtime-PM transitions and prints them as a readable timeline, step by step.</summary>
internal sealed class Timeline
{
    private readonly List<RpmTransition> _pending = new();
    private readonly object _gate = new();

    public Timeline(PmEnvironment environment)
    {
        environment.Transition += t =>
        {
            lock (_gate)
            {
                _pending.Add(t);
            }
        };
    }

    public static void Header()
    {
        Console.WriteLine($"  {"time",10}  {"device",-14} {"transition",-24} {"usage",5} {"kids",4}");
    }

    /// <summary>Prints a step title and every transition recorded since the previous step.</summary>
    public void Step(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"▶ {title}");
        Flush();
    }

    public void Flush()
    {
        RpmTransition[] batch;
        lock (_gate)
        {
            batch = _pending.ToArray();
            _pending.Clear();
        }

        if (batch.Length == 0)
        {
            Console.WriteLine("    (no power transitions)");
        }

        foreach (var t in batch)
        {
            var ms = t.Time.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
            Console.WriteLine($"  {ms,10}  {t.Device.Name,-14} {t.From + " → " + t.To,-24} {t.UsageCount,5} {t.ChildCount,4}");
        }
    }
}
