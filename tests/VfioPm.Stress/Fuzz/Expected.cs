using System;
using System.Globalization;
using System.Linq;
using VfioPm.Runtime;

namespace VfioPm.Stress.Fuzz;

/// <summary>What the documentation allows an input to return, and whether the call reaches runtime PM at all.</summary>
/// <param name="Results">The documented results (one, usually).</param>
/// <param name="ReachesPm">False when the call must be answered before any PM call (no resume, no count change).</param>
public readonly record struct Expected(long[] Results, bool ReachesPm)
{
    /// <summary>A single documented result of a call that goes through the PM wrapper.</summary>
    public static Expected Pm(params long[] results) => new(results, ReachesPm: true);

    /// <summary>A call answered before any PM call.</summary>
    public static Expected BeforePm(long result) => new(new[] { result }, ReachesPm: false);

    /// <summary>Whether <paramref name="actual"/> is documented.</summary>
    public bool Allows(long actual) => Array.IndexOf(Results, actual) >= 0;

    /// <inheritdoc/>
    public override string ToString() => string.Join(" or ", Results.Select(Describe)) + (ReachesPm ? string.Empty : " (before any PM call)");

    /// <summary>A result as text: a byte count or an errno name.</summary>
    public static string Describe(long result) =>
        result < 0 && result >= int.MinValue ? Errno.Describe((int)result) : result.ToString(CultureInfo.InvariantCulture);
}
