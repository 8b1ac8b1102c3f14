using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VfioPm.Packaging.Tests.TestKit;
using VfioPm.Tests.Shared;

namespace VfioPm.Packaging.Tests;

/// <summary>
/// The README's "Use it in your driver" section, followed literally against the packed packages: its C# example is
/// the consumer's MyDevice.cs, its project-file snippet turns on enforcement, and every diagnostic line it shows must
/// be what the build prints. Editing the example without the promised output (or the reverse) fails here.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ReadmeExampleTests(PackageFeed feed)
{
    private const string Heading = "Use it in your driver";

    [Fact]
    public void TheDefaultBuildPrintsThePromisedWarningsAndTheGeneratedDispatcherWorks()
    {
        var readme = ReadmeSection.Read(Heading);
        var consumer = ConsumerProject.Create(feed, "ReadmeExample", Sources(readme), outputType: "Exe");
        var build = consumer.Build();

        Assert.True(build.Succeeded, build.ToString());
        var promised = readme.PromisedDiagnostics().Where(l => l.Contains(": warning ", System.StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(promised);
        Assert.Equal(promised.Order(), build.CodeDiagnostics.Select(d => d.Text).Order());

        Assert.Contains(consumer.GeneratedFiles("VfioPm.Generators"), f => Path.GetFileName(f) == "MyDevice.VfioDeviceOps.g.cs");
        // The README's Program.cs runs and prints what the README says it prints.
        var run = consumer.Run();
        Assert.True(run.ExitCode == 0, run.ToString());
        var promisedOutput = Assert.Single(readme.Code("text"), b => b.Contains("VFIO_DEVICE_RESET ->", System.StringComparison.Ordinal));
        Assert.Equal(Lines(promisedOutput), Lines(run.Output));
    }

    private static string[] Lines(string text) => text.Split('\n', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries);

    [Fact]
    public void TheProjectFileSnippetMakesThePromisedErrorsFailTheBuild()
    {
        var readme = ReadmeSection.Read(Heading);
        var snippet = Assert.Single(readme.Code("xml"), x => x.Contains("VfioPmEnforcement", System.StringComparison.Ordinal));
        var property = Regex.Match(snippet, @"<(?<name>VfioPmEnforcement)>(?<value>[^<]*)</");
        var consumer = ConsumerProject.Create(
            feed, "ReadmeExampleStrict", Sources(readme), outputType: "Exe",
            properties: new Dictionary<string, string> { [property.Groups["name"].Value] = property.Groups["value"].Value });
        var build = consumer.Build();

        Assert.False(build.Succeeded, build.ToString());
        var promised = readme.PromisedDiagnostics().Where(l => l.Contains(": error ", System.StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(promised);
        Assert.Equal(promised.Order(), build.CodeDiagnostics.Select(d => d.Text).Order());
    }

    private static Dictionary<string, string> Sources(ReadmeSection readme) => new()
    {
        ["MyDevice.cs"] = readme.Code("csharp")[0],
        ["Program.cs"] = readme.Code("csharp")[1],
    };
}
