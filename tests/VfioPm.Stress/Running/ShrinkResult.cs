using System.Collections.Generic;
using System.Linq;
using System.Text;
using VfioPm.Stress.Invariants;
using VfioPm.Stress.Workload;

namespace VfioPm.Stress.Running;

/// <summary>The shortest failing prefix the shrinker found.</summary>
/// <param name="How">How it reproduces ("single-threaded replay", "threaded, N ops per thread").</param>
/// <param name="Prefix">The operations, in replay order (round-robin over the threads' streams).</param>
/// <param name="Violations">What that prefix breaks.</param>
/// <param name="Runs">How many runs the search took.</param>
public sealed record ShrinkResult(string How, IReadOnlyList<Operation> Prefix, IReadOnlyList<Violation> Violations, int Runs)
{
    /// <summary>Operations shown in full; longer prefixes show their tail.</summary>
    public const int Shown = 40;

    /// <summary>A readable report: how, the violation, and the prefix (its tail if long).</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine($"shortest failing prefix: {Prefix.Count} operations ({How}, {Runs} runs to find)");
        foreach (var v in Violations.Take(3))
        {
            text.Append("  ").AppendLine(v.ToString());
        }

        var skip = System.Math.Max(0, Prefix.Count - Shown);
        if (skip > 0)
        {
            text.AppendLine($"  ... {skip} earlier operations ...");
        }

        for (var i = skip; i < Prefix.Count; i++)
        {
            text.AppendLine($"  {i,7}: {Prefix[i]}");
        }

        return text.ToString();
    }
}
