using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VfioPm.Packaging.Tests.TestKit;
using VfioPm.Tests.Shared;

namespace VfioPm.Packaging.Tests;

/// <summary>
/// The code fixes as a user applies them in bulk: <c>dotnet format analyzers --diagnostics VPM0003 VPM0008</c> on a
/// consumer with tricky cases (Consumer/FixSafety), and the program run before and after. Every success path must
/// return the same result with the same usage count; the get_sync leak and the unmasked error must be gone.
/// </summary>
[Collection(PackageFeedHostsCollection.Name)]
public sealed class CodeFixFormatTests(PackageFeed feed)
{
    private static readonly Regex Line = new(@"^(?<case>.+) (?<state>active|suspended|failing) \((?<status>\w+)\): (?<result>-?\d+), usage (?<from>\d+) -> (?<to>\d+)$");

    [Fact]
    public void DotnetFormatFixesTheFailurePathsAndLeavesEverySuccessPathAlone()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "tests", "VfioPm.Packaging.Tests", "Consumer", "FixSafety");
        var consumer = ConsumerProject.Create(
            feed, "FixSafety", Directory.GetFiles(folder, "*.cs").ToDictionary(f => Path.GetFileName(f), File.ReadAllText), outputType: "Exe");

        var build = consumer.Build();
        Assert.True(build.Succeeded, build.ToString());
        Assert.Equal(3, build.CodeDiagnostics.Count(d => d.Id == "VPM0003"));
        Assert.Equal(4, build.CodeDiagnostics.Count(d => d.Id == "VPM0008"));
        var before = Results(consumer);

        var format = DotnetCli.Run(consumer.Directory, ["format", "analyzers", "--diagnostics", "VPM0003", "VPM0008", "--no-restore"]);
        Assert.True(format.ExitCode == 0, format.ToString());

        var fixedBuild = consumer.Build();
        Assert.True(fixedBuild.Succeeded, fixedBuild.ToString());
        var driver = File.ReadAllText(Path.Combine(consumer.Directory, "Driver.cs"));
        // Only Wake keeps GetSync (a successful 1 is its result) and its VPM0003; no new diagnostic appears.
        Assert.Equal(new[] { "VPM0003" }, fixedBuild.CodeDiagnostics.Select(d => d.Id).ToArray());
        Assert.Equal(1, Regex.Count(driver, @"\.GetSync\(\)"));
        Assert.Equal(2, Regex.Count(driver, @"\.ResumeAndGet\(\)"));
        var after = Results(consumer);

        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (key, was) in before)
        {
            var now = after[key];
            if (was.Result >= 0)
            {
                Assert.True(was == now, $"{key}: a success path changed: {was} before, {now} after");
            }
            else
            {
                Assert.True(now.To <= was.To, $"{key}: the fix leaks: {was} before, {now} after");
            }
        }

        // What the fixes are for: no leaked reference when GetSync fails, -EIO instead of the raw -ENODEV.
        foreach (var leaking in new[] { "Open failing", "Probe failing" })
        {
            Assert.Equal(before[leaking].From + 1, before[leaking].To);
            Assert.Equal(after[leaking].From, after[leaking].To);
        }

        foreach (var raw in new[] { "Resume failing", "ResumeLocal failing", "Dispatch 1 failing" })
        {
            Assert.Equal((-19, -5), (before[raw].Result, after[raw].Result));
        }
    }

    private static Dictionary<string, Outcome> Results(ConsumerProject consumer)
    {
        var run = consumer.Run();
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries);
        Assert.Equal(8 * 3, lines.Length);
        return lines.Select(l => Line.Match(l)).Select(m =>
        {
            Assert.True(m.Success, run.ToString());
            return (Key: m.Groups["case"].Value + " " + m.Groups["state"].Value, Value: new Outcome(int.Parse(m.Groups["result"].Value), int.Parse(m.Groups["from"].Value), int.Parse(m.Groups["to"].Value)));
        }).ToDictionary(p => p.Key, p => p.Value);
    }

    private sealed record Outcome(int Result, int From, int To);
}
