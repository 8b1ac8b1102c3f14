using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VfioPm.Packaging.Tests.TestKit;
using VfioPm.Tests.Shared;

namespace VfioPm.Packaging.Tests;

/// <summary>
/// CI systems read the results from a SARIF 2.1 log. MSBuild splits <c>-p:</c> values at commas, so the compiler's
/// "path,version=2.1" argument must be escaped (<c>%2C</c>) or quoted; both documented forms are checked here.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class SarifLogTests(PackageFeed feed)
{
    [Theory]
    [InlineData("escaped", "-p:ErrorLog=vfiopm.sarif%2Cversion=2.1")]
    [InlineData("quoted", "-p:ErrorLog=\"vfiopm.sarif,version=2.1\"")]
    public void TheErrorLogPropertyWritesEveryVfioPmResultAsSarif21(string name, string argument)
    {
        var wrongDriver = Path.Combine(RepositoryRoot.Path, "samples", "VfioPm.Samples.Diagnostics", "WrongDriver.cs");
        var consumer = ConsumerProject.Create(feed, "Sarif-" + name, new Dictionary<string, string> { ["WrongDriver.cs"] = File.ReadAllText(wrongDriver) });
        var build = consumer.Build(argument);
        Assert.True(build.Succeeded, build.ToString());

        using var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(consumer.Directory, "vfiopm.sarif")));
        Assert.Equal("2.1.0", log.RootElement.GetProperty("version").GetString());
        var run = log.RootElement.GetProperty("runs")[0];
        var results = run.GetProperty("results").EnumerateArray()
            .Select(r => (Id: r.GetProperty("ruleId").GetString()!, Level: r.GetProperty("level").GetString()!, Location: r.GetProperty("locations")[0].GetProperty("physicalLocation")))
            .Where(r => r.Id.StartsWith("VPM", System.StringComparison.Ordinal))
            .Select(r => $"{r.Level} {r.Id} at {Path.GetFileName(r.Location.GetProperty("artifactLocation").GetProperty("uri").GetString())}:{r.Location.GetProperty("region").GetProperty("startLine").GetInt32()}")
            .Order(System.StringComparer.Ordinal)
            .ToList();
        var expected = DiagnosticMarkers.Read(wrongDriver).Select(m => $"warning {m.Id} at WrongDriver.cs:{m.Line}").Order(System.StringComparer.Ordinal).ToList();
        Assert.Equal(expected, results);

        // Every reported rule is described, with its help link.
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        foreach (var id in expected.Select(e => e.Split(' ')[1]).Distinct())
        {
            Assert.Contains("docs/rules/" + id + ".md", rules[id].GetProperty("helpUri").GetString(), System.StringComparison.Ordinal);
        }
    }
}
