using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Diagnostics;

/// <summary>
/// The rule pages do not lie: each page's "Wrong" example, run through the generator and its analyzer, reports exactly
/// the lines marked <c>// VPM10nn</c>; its "Right" example reports nothing. Both compile without errors.
/// </summary>
public sealed partial class RuleDocExampleTests
{
    private const string Prelude = "using System;\nusing VfioPm.Annotations;\nusing VfioPm.Runtime;\nusing VfioPm.Runtime.Pci;\nusing VfioPm.Runtime.Vfio;\n";

    // VPM1013 depends on the project's <LangVersion>, which an example cannot set: UnusualInputTests covers it.
    public static TheoryData<string> Ids => new(Enumerable.Range(1, 14).Select(i => $"VPM10{i:00}").Where(id => id != "VPM1013"));

    [Theory]
    [MemberData(nameof(Ids))]
    public void WrongIsReportedOnTheMarkedLinesAndRightIsClean(string id)
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "rules", id + ".md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var wrong = Example(page, "## Wrong");
        var right = Example(page, "## Right");

        var expected = wrong.Split('\n')
            .Select((line, i) => (Match: Marker().Match(line), Line: i + 1))
            .Where(x => x.Match.Success)
            .Select(x => $"{x.Match.Groups[1].Value}@{x.Line}")
            .ToList();
        Assert.Contains(expected, e => e.StartsWith(id, StringComparison.Ordinal));
        Assert.Equal(expected, Reported(wrong));
        Assert.Empty(Reported(right));
    }

    private static string[] Reported(string example)
    {
        var outcome = TestCompilation.Generate(Prelude + example);
        Assert.Empty(outcome.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var preludeLines = Prelude.Count(c => c == '\n');
        return TestCompilation.Analyze(outcome.Output)
            .Select(d => $"{d.Id}@{d.Location.GetLineSpan().StartLinePosition.Line + 1 - preludeLines}")
            .OrderBy(x => x, StringComparer.Ordinal)
            .ToArray();
    }

    private static string Example(string page, string heading)
    {
        var start = page.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, heading);
        var open = page.IndexOf("```csharp\n", start, StringComparison.Ordinal) + "```csharp\n".Length;
        var close = page.IndexOf("\n```", open, StringComparison.Ordinal);
        return page[open..close];
    }

    [GeneratedRegex(@"// (VPM10[0-9]{2})\b")]
    private static partial Regex Marker();
}
