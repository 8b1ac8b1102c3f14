using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace VfioPm.Stress.Fuzz;

/// <summary>One input the fuzzer did not accept, with why.</summary>
/// <param name="Number">Its position in the run.</param>
/// <param name="Input">The input.</param>
/// <param name="Problem">What was wrong: undocumented result, exception, count change, violation.</param>
public sealed record FuzzFailure(int Number, string Input, string Problem)
{
    /// <inheritdoc/>
    public override string ToString() => $"#{Number} {Input}: {Problem}";
}

/// <summary>What a fuzzing run tried and found.</summary>
public sealed record FuzzReport
{
    /// <summary>Failures kept in full.</summary>
    public const int MaxRecorded = 20;

    /// <summary>The seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Inputs tried.</summary>
    public required int Inputs { get; init; }

    /// <summary>Inputs by origin ("mutated SET|LOW_POWER_ENTRY", "read", ...).</summary>
    public required IReadOnlyDictionary<string, int> ByOrigin { get; init; }

    /// <summary>How many inputs were answered with success and with each errno.</summary>
    public required IReadOnlyDictionary<string, int> ByResult { get; init; }

    /// <summary>The first failures.</summary>
    public required IReadOnlyList<FuzzFailure> Failures { get; init; }

    /// <summary>All failures, counted.</summary>
    public required int FailureCount { get; init; }

    /// <summary>Wall-clock time.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>No failure.</summary>
    public bool Passed => FailureCount == 0;

    /// <summary>One line of figures.</summary>
    public string Summary => $"fuzz seed {Seed}: {Inputs} inputs in {Elapsed.TotalSeconds:0.0} s, failures {FailureCount}";

    /// <summary>Summary, result mix and failures.</summary>
    public string Format()
    {
        var text = new StringBuilder().AppendLine(Summary);
        text.Append("  answers: ").AppendLine(string.Join(", ", ByResult.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
        text.Append("  inputs: ").AppendLine(string.Join(", ", ByOrigin.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
        if (!Passed)
        {
            text.AppendLine($"FAILED — reproduce with --seed {Seed} --fuzz {Inputs}");
            foreach (var failure in Failures)
            {
                text.Append("  ").AppendLine(failure.ToString());
            }
        }

        return text.ToString();
    }
}
