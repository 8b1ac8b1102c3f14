using System.Collections.Immutable;
using System.Linq;

namespace VfioPm.Analyzers.Tests.KernelCorpus;

/// <summary>The corpus runner's own logic on synthetic cases: header parsing, scoring and the two-way baseline.</summary>
public sealed class CorpusRunnerTests
{
    private const string BugText = """
        // kind: bug
        // needs: engine
        // ports: drivers/x.c f()
        // fix: "x: fix a leak"
        class C
        {
            void M() { } // <-- VPM0001
            void N() { } // <-- VPM0002, VPM0006
        }
        """;

    [Fact]
    public void ParsesHeaderAndMarkers()
    {
        var c = CorpusCase.Parse("Pairs/X.Bug", BugText);
        Assert.Equal(CaseKind.Bug, c.Kind);
        Assert.Equal(CaseNeeds.Engine, c.Needs);
        Assert.Equal("Pairs/X", c.PairId);
        Assert.Equal(["VPM0001@7", "VPM0002@8", "VPM0006@8"], c.Expected.Select(e => e.ToString()).ToArray());
    }

    [Theory]
    [InlineData("Pairs/X.Fixed", "the file name")]
    [InlineData("Correct/X", "the file name")]
    public void RejectsKindThatDisagreesWithTheFileName(string id, string message)
    {
        var error = Assert.Throws<System.FormatException>(() => CorpusCase.Parse(id, BugText));
        Assert.Contains(message, error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsCorrectCodeWithExpectations()
    {
        var text = BugText.Replace("// kind: bug", "// kind: correct", System.StringComparison.Ordinal);
        Assert.Throws<System.FormatException>(() => CorpusCase.Parse("Correct/X", text));
    }

    [Fact]
    public void ScoresByIdAndLine()
    {
        var c = CorpusCase.Parse("Pairs/X.Bug", BugText);
        var outcome = Score(c, ("VPM0001", 7), ("VPM0001", 8), ("VPM0006", 8));
        Assert.Equal(["VPM0001@7", "VPM0006@8"], outcome.TruePositives.Select(e => e.ToString()).ToArray());
        Assert.Equal(["VPM0001@8"], outcome.FalsePositives.Select(e => e.ToString()).ToArray());
        Assert.Equal(["VPM0002@8"], outcome.FalseNegatives.Select(e => e.ToString()).ToArray());
        Assert.False(outcome.Passed);

        var figures = new CorpusFigures([outcome]);
        Assert.Equal(2.0 / 3, figures.Precision, 6);
        Assert.Equal(2.0 / 3, figures.Recall, 6);
    }

    [Fact]
    public void BaselineFailsBothWays()
    {
        var failing = Score(CorpusCase.Parse("Pairs/X.Bug", BugText));
        var passing = Score(CorpusCase.Parse("Pairs/Y.Bug", BugText), ("VPM0001", 7), ("VPM0002", 8), ("VPM0006", 8));
        Assert.True(passing.Passed);

        var listsNeither = KnownFailures.Parse("# nothing\n");
        var (unlisted, _) = KnownFailures.Compare([failing, passing], listsNeither);
        Assert.Equal(["Pairs/X.Bug"], unlisted.Select(o => o.Case.Id).ToArray());

        var listsBoth = KnownFailures.Parse("Pairs/X.Bug   engine §4\nPairs/Y.Bug   engine §5\n");
        var (none, nowPassing) = KnownFailures.Compare([failing, passing], listsBoth);
        Assert.Empty(none);
        Assert.Equal(["Pairs/Y.Bug"], nowPassing.Select(o => o.Case.Id).ToArray());

        Assert.Throws<System.FormatException>(() => KnownFailures.Parse("Pairs/X.Bug\n"));
    }

    private static CaseOutcome Score(CorpusCase c, params (string Id, int Line)[] reported) =>
        CaseOutcome.Score(c, reported.Select(r => new ExpectedDiagnostic(r.Id, r.Line)));
}
