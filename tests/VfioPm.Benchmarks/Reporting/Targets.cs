using System;

namespace VfioPm.Benchmarks.Reporting;

/// <summary>Builds figures with the kinds of target: a ratio at most / at least a bound, or an absolute value at most a bound.</summary>
public static class Targets
{
    /// <summary>A ratio value/baseline that must be at most <paramref name="bound"/> (null: informational).</summary>
    public static Figure RatioAtMost(string suite, string name, double value, string unit, string baseline, double baselineValue, double? bound, string? note = null)
    {
        var ratio = Ratio(value, baselineValue);
        return new Figure(suite, name, value, unit, baseline, baselineValue, ratio,
            bound is { } b ? $"≤ {b:0.##}×" : null,
            bound is { } c ? ratio <= c : null,
            note);
    }

    /// <summary>A speed-up baseline/value that must be at least <paramref name="bound"/>; the ratio column still shows value/baseline.</summary>
    public static Figure SpeedupAtLeast(string suite, string name, double value, string unit, string baseline, double baselineValue, double bound, string? note = null)
    {
        var ratio = Ratio(value, baselineValue);
        var speedup = value > 0 ? baselineValue / value : double.PositiveInfinity;
        return new Figure(suite, name, value, unit, baseline, baselineValue, ratio,
            $"≥ {bound:0.##}× faster (ratio ≤ {1 / bound:0.###})", speedup >= bound, note);
    }

    /// <summary>An absolute value that must be at most <paramref name="bound"/>.</summary>
    public static Figure AbsoluteAtMost(string suite, string name, double value, string unit, double bound, string? note = null) =>
        new(suite, name, value, unit, "—", null, null, $"≤ {bound:0.##} {unit}", value <= bound, note);

    private static double Ratio(double value, double baseline) => baseline > 0 ? Math.Round(value / baseline, 4) : double.NaN;
}
