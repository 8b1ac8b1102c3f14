using System.Collections.Generic;
using System.IO;
using System.Linq;
using VfioPm.Packaging.Tests.TestKit;
using VfioPm.Tests.Shared;

namespace VfioPm.Packaging.Tests;

/// <summary>
/// A user's project built with the real CLI against the packed packages: the diagnostics sample
/// (samples/VfioPm.Samples.Diagnostics/WrongDriver.cs, one of each bug, each reported line marked
/// <c>// &lt;-- VPMxxxx</c>) under the default, strict and user-configured severities.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ConsumerBuildTests(PackageFeed feed)
{
    /// <summary>The rules VfioPmEnforcement=strict makes errors (README, docs/rules/README.md).</summary>
    public static readonly IReadOnlySet<string> SafetyRules = new HashSet<string>
    {
        "VPM0001", "VPM0002", "VPM0003", "VPM0004", "VPM0005", "VPM0006", "VPM0007", "VPM0010",
    };

    private static string WrongDriverPath => Path.Combine(RepositoryRoot.Path, "samples", "VfioPm.Samples.Diagnostics", "WrongDriver.cs");

    [Fact]
    public void DefaultBuildSucceedsWithEveryRuleAsAWarningOnItsMarkedLine()
    {
        var build = WrongDriverConsumer("default").Build();

        Assert.True(build.Succeeded, build.ToString());
        Assert.Equal(Expected(_ => "warning"), build.VfioPmKeys);
    }

    [Fact]
    public void StrictEnforcementFailsTheBuildOnTheSafetyRulesOnly()
    {
        var consumer = WrongDriverConsumer("strict", new Dictionary<string, string> { ["VfioPmEnforcement"] = "strict" });
        var build = consumer.Build();

        Assert.False(build.Succeeded, build.ToString());
        Assert.Equal(Expected(id => SafetyRules.Contains(id) ? "error" : "warning"), build.VfioPmKeys);
    }

    [Fact]
    public void EditorConfigSeveritiesWinOverStrictEnforcement()
    {
        var consumer = WrongDriverConsumer("strict-editorconfig", new Dictionary<string, string> { ["VfioPmEnforcement"] = "strict" });
        consumer.Write(".editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.VPM0001.severity = warning
            dotnet_diagnostic.VPM0006.severity = none
            dotnet_diagnostic.VPM0008.severity = error
            """);
        var build = consumer.Build();

        Assert.False(build.Succeeded, build.ToString());
        var expected = Expected(id => id switch
        {
            "VPM0001" => "warning",
            "VPM0006" => null,
            "VPM0008" => "error",
            _ => SafetyRules.Contains(id) ? "error" : "warning",
        });
        Assert.Equal(expected, build.VfioPmKeys);
    }

    [Fact]
    public void AUserGlobalConfigIsHonouredWithoutStrictEnforcement()
    {
        var consumer = WrongDriverConsumer("globalconfig");
        consumer.Write(".globalconfig", """
            is_global = true
            dotnet_diagnostic.VPM0009.severity = error
            dotnet_diagnostic.VPM0011.severity = none
            """);
        var build = consumer.Build();

        Assert.False(build.Succeeded, build.ToString());
        Assert.Equal(Expected(id => id switch { "VPM0009" => "error", "VPM0011" => null, _ => "warning" }), build.VfioPmKeys);
    }

    [Fact]
    public void AnUnknownEnforcementValueIsReportedAndChangesNothing()
    {
        var build = WrongDriverConsumer("unknown-enforcement").Build("-p:VfioPmEnforcement=stricter");

        Assert.True(build.Succeeded, build.ToString());
        Assert.Contains(build.Command.Output.Split('\n'), l => l.Contains("warning VPM9001", System.StringComparison.Ordinal) && l.Contains("'stricter'", System.StringComparison.Ordinal));
        Assert.Equal(Expected(_ => "warning"), build.VfioPmKeys);
    }

    /// <summary>The expected keys: each marked rule at its marked line with the given severity (null: not reported).</summary>
    private static IReadOnlyList<string> Expected(System.Func<string, string?> severity) =>
        DiagnosticMarkers.Read(WrongDriverPath)
            .Select(m => (m.Id, m.Line, Severity: severity(m.Id)))
            .Where(m => m.Severity is not null)
            .Select(m => $"{m.Severity} {m.Id} at WrongDriver.cs:{m.Line}")
            .Order(System.StringComparer.Ordinal)
            .ToList();

    private ConsumerProject WrongDriverConsumer(string name, IReadOnlyDictionary<string, string>? properties = null) =>
        ConsumerProject.Create(feed, "WrongDriver-" + name, new Dictionary<string, string> { ["WrongDriver.cs"] = File.ReadAllText(WrongDriverPath) }, properties: properties);
}
