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
        var pairs = cases.Where(c => c.PairId is not null).GroupBy(c => c.PairId!, StringComparer.Ordinal).ToList();
        Assert.True(pairs.Count >= 15, $"at least 15 bug/fix pairs (found {pairs.Count})");
        foreach (var pair in pairs)
        {
            var kinds = pair.Select(c => c.Kind).OrderBy(k => k).ToArray();
            Assert.True(kinds.SequenceEqual([CaseKind.Bug, CaseKind.Fixed]), $"{pair.Key}: a pair is one X.Bug.cs and one X.Fixed.cs");
            Assert.Single(pair.Select(c => c.Fix).Distinct(StringComparer.Ordinal));
        }

        Assert.All(cases, c => Assert.Contains("(", c.Ports, StringComparison.Ordinal));
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
        var failing = figures.Outcomes.Where(o => !o.Passed).ToList();
        var newFailures = failing.Where(o => !baseline.ContainsKey(o.Case.Id)).ToList();
        var nowPassing = figures.Outcomes.Where(o => o.Passed && baseline.ContainsKey(o.Case.Id)).ToList();
        if (newFailures.Count == 0 && nowPassing.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        if (newFailures.Count > 0)
        {
            message.AppendLine("Cases failing that known-failures.txt does not list (a regression, or a new case to list with its reason):");
            foreach (var outcome in newFailures)
            {
                message.Append("  ").AppendLine(outcome.Describe());
            }
        }

        if (nowPassing.Count > 0)
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
