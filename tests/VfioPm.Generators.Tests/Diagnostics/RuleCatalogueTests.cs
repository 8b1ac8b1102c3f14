using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using VfioPm.Generators.Diagnostics;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Diagnostics;

/// <summary>Every generator diagnostic has a unique VPM10nn id, the category, a help link to its rule page, the page, and a release-tracking row.</summary>
public sealed class RuleCatalogueTests
{
    private static readonly DiagnosticDescriptor[] Rules = new VfioDeviceOpsAnalyzer().SupportedDiagnostics.ToArray();

    public static TheoryData<string> Ids => new(Rules.Select(r => r.Id));

    [Fact]
    public void IdsAreUniqueAndSequentialFromVpm1001()
    {
        Assert.Equal(
            Enumerable.Range(1, Rules.Length).Select(i => $"VPM10{i:00}"),
            Rules.Select(r => r.Id).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void RuleHasCategoryHelpLinkPageAndReleaseRow(string id)
    {
        var rule = Rules.Single(r => r.Id == id);
        Assert.Equal("VfioPm.Generator", rule.Category);
        Assert.Equal($"https://github.com/vfiopm/vfiopm/blob/main/docs/rules/{id}.md", rule.HelpLinkUri);
        Assert.True(rule.IsEnabledByDefault);

        var page = Path.Combine(Repository.Root, "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), page);
        var text = File.ReadAllText(page);
        Assert.StartsWith("# " + id + ":", text, StringComparison.Ordinal);
        foreach (var section in new[] { "## What", "## Why", "## Wrong", "## Right", "## Suppress" })
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }

        var index = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "rules", "README.md"));
        Assert.Contains($"| [{id}]({id}.md) | {rule.Title} | {rule.Category} | {rule.DefaultSeverity} |", index);

        var releases = File.ReadAllLines(Path.Combine(Repository.Root, "generators", "VfioPm.Generators", "AnalyzerReleases.Unshipped.md"));
        var row = Assert.Single(releases, l => l.StartsWith(id + " ", StringComparison.Ordinal));
        Assert.Equal(
            new[] { id, rule.Category, rule.DefaultSeverity.ToString(), rule.Title.ToString() },
            row.Split('|').Select(c => c.Trim()).ToArray());
    }
}
