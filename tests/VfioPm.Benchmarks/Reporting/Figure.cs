namespace VfioPm.Benchmarks.Reporting;

/// <summary>
/// One reported figure: a measured value beside the baseline it is judged against, both from the same run, their
/// ratio, and the target (if the issue sets one) with whether it was met.
/// </summary>
/// <param name="Suite">The suite that measured it.</param>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The measured value, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit of <paramref name="Value"/> and <paramref name="BaselineValue"/>.</param>
/// <param name="Baseline">What the value is compared with.</param>
/// <param name="BaselineValue">The baseline's measured value (same run), or null when the figure is absolute.</param>
/// <param name="Ratio">value / baseline, or null when there is no baseline.</param>
/// <param name="Target">The target in words (e.g. "≤ 1.5×"), or null for an informational figure.</param>
/// <param name="Met">Whether the target was met; null without a target.</param>
/// <param name="Note">What the figure needs to be read correctly (setup, sizes, caveats).</param>
public sealed record Figure(
    string Suite,
    string Name,
    double Value,
    string Unit,
    string Baseline,
    double? BaselineValue,
    double? Ratio,
    string? Target,
    bool? Met,
    string? Note = null);
