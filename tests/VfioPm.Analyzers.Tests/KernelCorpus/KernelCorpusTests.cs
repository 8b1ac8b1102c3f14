using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace VfioPm.Analyzers.Tests.KernelCorpus;

/// <summary>
/// The precision/recall corpus of C# ports of kernel code (KernelCorpus/README.md). Every case is compiled with the
/// analyzers; the report (per case, precision, recall) is printed; the set of failing cases must equal the checked-in
/// baseline exactly, so a new failure and a fixed-but-still-listed case both fail the test.
/// </summary>
public sealed class KernelCorpusTests(ITestOutputHelper output)
{
    /// <summary>The corpus holds what issue 11 asks for, every pair has both sides, and every header parses.</summary>
    [Fact]
    public void CorpusIsComplete()
    {
        var cases = CorpusFiles.Cases;
        Assert.True(cases.Count(c => c.Kind == CaseKind.Correct) >= 30, "at least 30 correct kernel functions");
        var pairs = cases.Where(c => c.Id.StartsWith("Pairs/", StringComparison.Ordinal)).GroupBy(c => c.PairId!, StringComparer.Ordinal).ToList();
        Assert.True(pairs.Count >= 15, $"at least 15 bug/fix pairs (found {pairs.Count})");
        foreach (var pair in pairs)
        {
            var kinds = pair.Select(c => c.Kind).OrderBy(k => k).ToArray();
            Assert.True(kinds.SequenceEqual([CaseKind.Bug, CaseKind.Fixed]), $"{pair.Key}: a pair is one X.Bug.cs and one X.Fixed.cs");
            Assert.Single(pair.Select(c => c.Fix).Distinct(StringComparer.Ordinal));
        }

        Assert.All(cases, c => Assert.Contains("(", c.Ports, StringComparison.Ordinal));

        // A seeded variant is a bug case made from a correct function; its "fix" names that function's case.
        var ids = cases.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var seeded in cases.Where(c => c.Id.StartsWith("Seeded/", StringComparison.Ordinal)))
        {
            Assert.Equal(CaseKind.Bug, seeded.Kind);
            var original = System.Text.RegularExpressions.Regex.Match(seeded.Fix!, @"Correct/\w+").Value;
            Assert.True(ids.Contains(original), $"{seeded.Id}: its fix line names the correct case it varies ({original})");
        }

        Assert.All(cases, c => Assert.True(
            c.Id.StartsWith("Correct/", StringComparison.Ordinal) || c.Id.StartsWith("Pairs/", StringComparison.Ordinal) || c.Id.StartsWith("Seeded/", StringComparison.Ordinal),
            $"{c.Id}: cases live in Correct/, Pairs/ or Seeded/"));
    }

    /// <summary>Known-failures entries name real cases.</summary>
    [Fact]
    public void BaselineNamesOnlyExistingCases()
    {
        var ids = CorpusFiles.Cases.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var unknown = KnownFailures.Parse(CorpusFiles.KnownFailuresText).Keys.Where(k => !ids.Contains(k)).ToList();
        Assert.True(unknown.Count == 0, "known-failures.txt lists cases that do not exist: " + string.Join(", ", unknown));
    }

    /// <summary>Runs the corpus, prints the figures, and holds the failing set to the baseline.</summary>
    [Fact]
    public async Task CorpusMatchesKnownFailures()
    {
        var runs = await CorpusCompiler.RunAsync(CorpusFiles.Cases);

        var problems = runs.SelectMany(r => r.Problems.Select(p => r.Case.Id + ": " + p)).ToList();
        Assert.True(problems.Count == 0, "the corpus must compile and the analyzers must not fail:\n" + string.Join("\n", problems));

        var figures = new CorpusFigures(runs.Select(CaseOutcome.Score).ToImmutableArray());
        output.WriteLine(figures.Report());

        var baseline = KnownFailures.Parse(CorpusFiles.KnownFailuresText);
        var (newFailures, nowPassing) = KnownFailures.Compare(figures.Outcomes, baseline);
        if (newFailures.IsEmpty && nowPassing.IsEmpty)
        {
            return;
        }

        var message = new StringBuilder();
        if (!newFailures.IsEmpty)
        {
            message.AppendLine("Cases failing that known-failures.txt does not list (a regression, or a new case to list with its reason):");
            foreach (var outcome in newFailures)
            {
                message.Append("  ").AppendLine(outcome.Describe());
            }
        }

        if (!nowPassing.IsEmpty)
        {
            message.AppendLine("Cases that pass now: remove them from known-failures.txt:");
            foreach (var outcome in nowPassing)
            {
                message.Append("  ").AppendLine(outcome.Case.Id);
            }
        }

        Assert.Fail(message.ToString());
    }
}
