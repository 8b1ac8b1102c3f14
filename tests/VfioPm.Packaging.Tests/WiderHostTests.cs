using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VfioPm.Packaging.Tests.TestKit;

namespace VfioPm.Packaging.Tests;

/// <summary>
/// The package in the oldest hosts it promises: a consumer compiled by Roslyn 4.14 (Microsoft.Net.Compilers.Toolset, not
/// the SDK's 5.x compiler) and a net8.0 consumer compiled against the .NET 8 reference assemblies. Each builds the
/// README's example: the promised diagnostics, the generated dispatcher, and the program's promised output.
/// </summary>
[Collection(PackageFeedHostsCollection.Name)]
public sealed class WiderHostTests(PackageFeed feed)
{
    private const string Heading = "Use it in your driver";

    [Fact]
    public void Roslyn414CompilerReportsGeneratesAndRuns()
    {
        // RoslynCompilerType=Custom: without it this SDK keeps its own compiler and the package only supplies tasks.
        var consumer = Example("Roslyn414", "net10.0", new Dictionary<string, string> { ["RoslynCompilerType"] = "Custom" }, new Dictionary<string, string> { ["Microsoft.Net.Compilers.Toolset"] = "4.14.0" });
        var build = consumer.Build("-v:n", "-p:ErrorLog=compiler.sarif%2Cversion=2.1");

        Assert.True(build.Succeeded, build.ToString());
        // The compiler that ran is the package's: its command line, and the version it writes into its own log.
        Assert.Contains(
            build.Command.Output.Split('\n'),
            l => l.Contains("microsoft.net.compilers.toolset/4.14.0/", System.StringComparison.OrdinalIgnoreCase) && l.Contains("csc", System.StringComparison.Ordinal));
        using (var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(consumer.Directory, "compiler.sarif"))))
        {
            var compiler = log.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver");
            Assert.StartsWith("4.14.", compiler.GetProperty("semanticVersion").GetString(), System.StringComparison.Ordinal);
        }

        Assert.DoesNotContain("CS9057", build.Command.Output, System.StringComparison.Ordinal);
        AssertExample(consumer, build, "net10.0");
    }

    [Fact]
    public void Net8ConsumerReportsGeneratesAndRuns()
    {
        // No apphost: the .NET 8 one is not on this machine; the program runs as "dotnet app.dll", rolled forward.
        var consumer = Example("Net8", "net8.0", new Dictionary<string, string> { ["UseAppHost"] = "false" }, packages: null);
        var build = consumer.Build();

        Assert.True(build.Succeeded, build.ToString());
        AssertExample(consumer, build, "net8.0");
    }

    private ConsumerProject Example(string name, string targetFramework, IReadOnlyDictionary<string, string> properties, IReadOnlyDictionary<string, string>? packages)
    {
        var readme = ReadmeSection.Read(Heading);
        return ConsumerProject.Create(
            feed,
            name,
            new Dictionary<string, string> { ["MyDevice.cs"] = readme.Code("csharp")[0], ["Program.cs"] = readme.Code("csharp")[1] },
            outputType: "Exe",
            properties: properties,
            targetFramework: targetFramework,
            packages: packages);
    }

    private static void AssertExample(ConsumerProject consumer, BuildResult build, string targetFramework)
    {
        var readme = ReadmeSection.Read(Heading);
        var promised = readme.PromisedDiagnostics().Where(l => l.Contains(": warning ", System.StringComparison.Ordinal)).ToList();
        Assert.Equal(promised.Order(), build.CodeDiagnostics.Select(d => d.Text).Order());
        Assert.Contains(consumer.GeneratedFiles("VfioPm.Generators"), f => Path.GetFileName(f) == "MyDevice.VfioDeviceOps.g.cs");

        var run = consumer.Run(targetFramework);
        Assert.True(run.ExitCode == 0, run.ToString());
        var promisedOutput = Assert.Single(readme.Code("text"), b => b.Contains("VFIO_DEVICE_RESET ->", System.StringComparison.Ordinal));
        Assert.Equal(Lines(promisedOutput), Lines(run.Output));
    }

    private static string[] Lines(string text) => text.Split('\n', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries);
}
