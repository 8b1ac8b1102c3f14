using System.IO;
using System.Linq;
using VfioPm.Packaging.Tests.TestKit;

namespace VfioPm.Packaging.Tests;

/// <summary>What <c>dotnet pack</c> puts in the two packages: layout, dependencies, symbols and metadata.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageContentTests(PackageFeed feed)
{
    [Fact]
    public void BothPackagesAndTheRuntimeSymbolsCarryTheRepositoryVersion()
    {
        var files = Directory.GetFiles(feed.Folder).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(
            new[] { $"VfioPm.Analyzers.{feed.Version}.nupkg", $"VfioPm.Runtime.{feed.Version}.nupkg", $"VfioPm.Runtime.{feed.Version}.snupkg" },
            files);
    }

    [Fact]
    public void AnalyzerPackageShipsAnalyzersCodeFixesAndGeneratorOnlyUnderAnalyzersDotnetCs()
    {
        var package = NuGetPackage.Open(feed.Package("VfioPm.Analyzers"));
        Assert.Equal(
            new[]
            {
                "README.md",
                "VfioPm.Analyzers.nuspec",
                "analyzers/dotnet/cs/VfioPm.Analyzers.CodeFixes.dll",
                "analyzers/dotnet/cs/VfioPm.Analyzers.dll",
                "analyzers/dotnet/cs/VfioPm.Generators.dll",
                "buildTransitive/VfioPm.Analyzers.Strict.globalconfig",
                "buildTransitive/VfioPm.Analyzers.props",
                "buildTransitive/VfioPm.Analyzers.targets",
            },
            package.Entries);
    }

    [Fact]
    public void AnalyzerPackageLeaksNoDependencyIntoConsumers()
    {
        var package = NuGetPackage.Open(feed.Package("VfioPm.Analyzers"));
        Assert.Empty(package.DependencyIds); // no Roslyn, no VfioPm.Runtime
        Assert.Equal("true", package.Value("developmentDependency"));
        Assert.DoesNotContain(package.Entries, e => e.StartsWith("lib/", System.StringComparison.Ordinal) || e.StartsWith("ref/", System.StringComparison.Ordinal));
    }

    /// <summary>
    /// The analyzers, the code fixes and the generator must load in every host from Roslyn 4.8 (an assembly built against
    /// a newer Roslyn is dropped with CS9057, a code fix built against newer Workspaces fails to load in an older IDE).
    /// None of them may need VfioPm.Runtime: they match its attributes by name.
    /// </summary>
    [Theory]
    [InlineData("VfioPm.Analyzers.dll", "4.8.0.0")]
    [InlineData("VfioPm.Generators.dll", "4.8.0.0")]
    [InlineData("VfioPm.Analyzers.CodeFixes.dll", "4.8.0.0")]
    public void AnalyzerAssembliesReferenceAnOldEnoughRoslynAndNotTheRuntime(string assembly, string newestRoslyn)
    {
        var references = NuGetPackage.AssemblyReferences(feed.Package("VfioPm.Analyzers"), "analyzers/dotnet/cs/" + assembly);
        var roslyn = references.Where(r => r.Name.StartsWith("Microsoft.CodeAnalysis", System.StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(roslyn);
        Assert.All(roslyn, r => Assert.True(r.Version <= System.Version.Parse(newestRoslyn), $"{assembly} references {r.Name} {r.Version}"));
        Assert.DoesNotContain(references, r => r.Name == "VfioPm.Runtime");
    }

    [Fact]
    public void RuntimePackageShipsBothTargetsWithXmlDocsAndNoDependencies()
    {
        var package = NuGetPackage.Open(feed.Package("VfioPm.Runtime"));
        Assert.Equal(
            new[]
            {
                "README.md",
                "VfioPm.Runtime.nuspec",
                "lib/net10.0/VfioPm.Runtime.dll",
                "lib/net10.0/VfioPm.Runtime.xml",
                "lib/net8.0/VfioPm.Runtime.dll",
                "lib/net8.0/VfioPm.Runtime.xml",
            },
            package.Entries);
        Assert.Empty(package.DependencyIds); // the dogfooding analyzer reference stays private
        Assert.Equal(new[] { "net10.0", "net8.0" }, package.DependencyGroups);
    }

    [Fact]
    public void RuntimeSymbolsPackageHoldsThePdbOfEachTarget()
    {
        var symbols = NuGetPackage.Open(feed.Package("VfioPm.Runtime", "snupkg"));
        Assert.Contains("lib/net8.0/VfioPm.Runtime.pdb", symbols.Entries);
        Assert.Contains("lib/net10.0/VfioPm.Runtime.pdb", symbols.Entries);
    }

    [Theory]
    [InlineData("VfioPm.Runtime")]
    [InlineData("VfioPm.Analyzers")]
    public void PackagesCarryTheMetadataAGalleryShows(string id)
    {
        var package = NuGetPackage.Open(feed.Package(id));
        Assert.Equal(id, package.Value("id"));
        Assert.Equal(feed.Version, package.Value("version"));
        Assert.Equal("MIT", package.Value("license"));
        Assert.Equal("expression", (string?)package.Element("license")!.Attribute("type"));
        Assert.Equal("README.md", package.Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(package.Value("description")));
        Assert.Contains("vfio", package.Value("tags")!.Split(' '));
        var repository = package.Element("repository");
        Assert.NotNull(repository);
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.StartsWith("https://", (string?)repository.Attribute("url"), System.StringComparison.Ordinal);
    }
}
