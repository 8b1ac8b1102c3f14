using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace VfioPm.Analyzers.Tests.KernelCorpus;

/// <summary>
/// One case scored: true positives are expected diagnostics reported at their line with their id; false positives are
/// every other VPM diagnostic in the case (so every diagnostic on correct code); false negatives are expected ones not
/// reported. A case passes when it has neither false positives nor false negatives.
/// </summary>
public sealed record CaseOutcome(
    CorpusCase Case,
    ImmutableArray<ExpectedDiagnostic> TruePositives,
    ImmutableArray<ExpectedDiagnostic> FalsePositives,
    ImmutableArray<ExpectedDiagnostic> FalseNegatives)
{
    /// <summary>True when the analyzers said exactly what the case expects.</summary>
    public bool Passed => FalsePositives.IsEmpty && FalseNegatives.IsEmpty;

    /// <summary>Scores <paramref name="run"/> against its case's markers (as multisets of id@line).</summary>
    public static CaseOutcome Score(CaseRun run) =>
        Score(run.Case, run.Diagnostics.Select(d => new ExpectedDiagnostic(d.Id, d.Location.GetLineSpan().StartLinePosition.Line + 1)));

    /// <summary>Scores the reported id@line pairs against <paramref name="case"/>'s markers.</summary>
    public static CaseOutcome Score(CorpusCase @case, IEnumerable<ExpectedDiagnostic> reported)
    {
        var remaining = reported.OrderBy(d => d.Line).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        var tp = ImmutableArray.CreateBuilder<ExpectedDiagnostic>();
        var fn = ImmutableArray.CreateBuilder<ExpectedDiagnostic>();
        foreach (var expected in @case.Expected)
        {
            if (remaining.Remove(expected))
            {
                tp.Add(expected);
            }
            else
            {
                fn.Add(expected);
            }
        }

        return new CaseOutcome(@case, tp.ToImmutable(), remaining.ToImmutableArray(), fn.ToImmutable());
    }

    /// <summary>One line for the report: verdict, id, needs, and what differed.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Passed ? "pass " : "FAIL ").Append(Case.Id.PadRight(44)).Append(' ').Append(Case.Needs.ToString().ToLowerInvariant().PadRight(9));
        text.Append(" tp=").Append(TruePositives.Length).Append(" fp=").Append(FalsePositives.Length).Append(" fn=").Append(FalseNegatives.Length);
        if (!FalsePositives.IsEmpty)
        {
            text.Append("  unexpected: ").Append(string.Join(", ", FalsePositives));
        }

        if (!FalseNegatives.IsEmpty)
        {
            text.Append("  missed: ").Append(string.Join(", ", FalseNegatives));
        }

        return text.ToString();
    }
}

/// <summary>The corpus figures: precision, recall, and the split between correct code and bugs.</summary>
public sealed record CorpusFigures(ImmutableArray<CaseOutcome> Outcomes)
{
    /// <summary>Expected diagnostics reported at their line.</summary>
    public int TruePositives => Outcomes.Sum(o => o.TruePositives.Length);

    /// <summary>Every other VPM diagnostic.</summary>
    public int FalsePositives => Outcomes.Sum(o => o.FalsePositives.Length);

    /// <summary>Expected diagnostics not reported.</summary>
    public int FalseNegatives => Outcomes.Sum(o => o.FalseNegatives.Length);

    /// <summary>TP / (TP + FP); 1 when nothing was reported.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN).</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>The report printed by the runner: per case, then the totals overall, per kind and per need.</summary>
    public string Report()
    {
        var text = new StringBuilder();
        foreach (var outcome in Outcomes)
        {
            text.AppendLine(outcome.Describe());
        }

        text.AppendLine();
        text.AppendLine(Totals("all", Outcomes));
        foreach (var needs in new[] { CaseNeeds.Engine, CaseNeeds.Contracts })
        {
            text.AppendLine(Totals(needs.ToString().ToLowerInvariant(), Outcomes.Where(o => o.Case.Needs == needs)));
        }

        foreach (var needs in new CaseNeeds?[] { null, CaseNeeds.Engine, CaseNeeds.Contracts })
        {
            var scope = Outcomes.Where(o => needs is null || o.Case.Needs == needs).ToList();
            var correct = scope.Where(o => o.Case.IsCorrectCode).ToList();
            var bugs = scope.Where(o => !o.Case.IsCorrectCode).ToList();
            text.Append(needs is null ? "all      " : needs.ToString()!.ToLowerInvariant().PadRight(9))
                .Append(" correct code (functions + fixed versions): ").Append(correct.Count(o => o.FalsePositives.IsEmpty)).Append('/').Append(correct.Count)
                .Append(" clean, ").Append(correct.Sum(o => o.FalsePositives.Length)).Append(" diagnostics; bugs: ")
                .Append(bugs.Count(o => o.FalseNegatives.IsEmpty)).Append('/').Append(bugs.Count).Append(" reported at every buggy line, ")
                .Append(bugs.Count(o => o.Passed)).Append('/').Append(bugs.Count).AppendLine(" exactly (no other diagnostic)");
        }

        return text.ToString();
    }

    private static string Totals(string label, IEnumerable<CaseOutcome> outcomes)
    {
        var figures = new CorpusFigures(outcomes.ToImmutableArray());
        return string.Format(
            CultureInfo.InvariantCulture,
            "{0,-9} cases {1} (passing {2}): TP {3}, FP {4}, FN {5}; precision {6:0.00}, recall {7:0.00}",
            label,
            figures.Outcomes.Length,
            figures.Outcomes.Count(o => o.Passed),
            figures.TruePositives,
            figures.FalsePositives,
            figures.FalseNegatives,
            figures.Precision,
            figures.Recall);
    }
}
