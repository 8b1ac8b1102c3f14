using System.Collections.Generic;
using System.IO;
using System.Linq;
using VfioPm.Packaging.Tests.TestKit;
using VfioPm.Tests.Shared;

namespace VfioPm.Packaging.Tests;

/// <summary>
/// A user builds, then builds again with strict enforcement or a SARIF log: MSBuild skips an up-to-date compile, so the
/// package makes both part of the compile's inputs (buildTransitive/VfioPm.Analyzers.targets, CoreCompileCache).
/// </summary>
[Collection(PackageFeedHostsCollection.Name)]
public sealed class IncrementalBuildTests(PackageFeed feed)
{
    [Fact]
    public void StrictAndTheErrorLogApplyToAnUpToDateProject()
    {
        var wrongDriver = Path.Combine(RepositoryRoot.Path, "samples", "VfioPm.Samples.Diagnostics", "WrongDriver.cs");
        var consumer = ConsumerProject.Create(feed, "Incremental", new Dictionary<string, string> { ["WrongDriver.cs"] = File.ReadAllText(wrongDriver) });
        var first = consumer.BuildIncremental();
        Assert.True(first.Succeeded, first.ToString());
        Assert.NotEmpty(first.VfioPmKeys);

        // Nothing changed: the compile is skipped (so nothing is printed) — the package keeps builds incremental.
        var again = consumer.BuildIncremental();
        Assert.True(again.Succeeded, again.ToString());
        Assert.Empty(again.VfioPmKeys);

        var strict = consumer.BuildIncremental("-p:VfioPmEnforcement=strict");
        Assert.False(strict.Succeeded, strict.ToString());
        Assert.Contains(strict.VfioPmKeys, k => k.StartsWith("error VPM0001 ", System.StringComparison.Ordinal));

        var sarif = Path.Combine(consumer.Directory, "vfiopm.sarif");
        var logged = consumer.BuildIncremental("-p:ErrorLog=vfiopm.sarif%2Cversion=2.1");
        Assert.True(logged.Succeeded, logged.ToString());
        Assert.Contains("\"ruleId\": \"VPM0001\"", File.ReadAllText(sarif), System.StringComparison.Ordinal);

        // The log deleted, the same command writes it again.
        File.Delete(sarif);
        var relogged = consumer.BuildIncremental("-p:ErrorLog=vfiopm.sarif%2Cversion=2.1");
        Assert.True(relogged.Succeeded, relogged.ToString());
        Assert.True(File.Exists(sarif), relogged.ToString());
    }
}
