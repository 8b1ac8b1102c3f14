using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;

namespace VfioPm.Packaging.Tests.TestKit;

/// <summary>
/// A fresh project outside the repository (so none of its Directory.Build.* or package settings apply) that
/// references VfioPm.Runtime and VfioPm.Analyzers by version from the local feed only — as a user's project would.
/// </summary>
internal sealed class ConsumerProject
{
    private ConsumerProject(string directory) => Directory = directory;

    /// <summary>The project folder.</summary>
    public string Directory { get; }

    /// <summary>Writes the project (sources, extra MSBuild properties) and restores it from the feed.</summary>
    /// <param name="feed">The packed packages.</param>
    /// <param name="name">The project (and folder) name.</param>
    /// <param name="sources">File name to text.</param>
    /// <param name="outputType">Library or Exe.</param>
    /// <param name="properties">Extra MSBuild properties.</param>
    /// <param name="targetFramework">The consumer's framework (net10.0, or net8.0 for the oldest supported host).</param>
    /// <param name="packages">Extra package references (id to version). They and the net8.0 targeting pack come from
    /// this machine's NuGet cache, where the test project's own restore put them (PackageDownload): still offline.</param>
    public static ConsumerProject Create(
        PackageFeed feed,
        string name,
        IReadOnlyDictionary<string, string> sources,
        string outputType = "Library",
        IReadOnlyDictionary<string, string>? properties = null,
        string targetFramework = "net10.0",
        IReadOnlyDictionary<string, string>? packages = null)
    {
        var directory = System.IO.Directory.CreateDirectory(Path.Combine(feed.Root, "consumers", name)).FullName;
        var extra = string.Concat((properties ?? new Dictionary<string, string>()).Select(p => $"\n    <{p.Key}>{SecurityElement.Escape(p.Value)}</{p.Key}>"));
        var references = string.Concat((packages ?? new Dictionary<string, string>()).Select(p => $"\n    <PackageReference Include=\"{p.Key}\" Version=\"{p.Value}\" PrivateAssets=\"all\" />"));
        var machineCache = targetFramework != "net10.0" || packages is { Count: > 0 }
            ? $"\n    <add key=\"machine-cache\" value=\"{SecurityElement.Escape(MachineCache.Path)}\" />"
            : string.Empty;
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>{targetFramework}</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <RestorePackagesPath>{SecurityElement.Escape(Path.Combine(feed.Root, "packages"))}</RestorePackagesPath>{extra}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="VfioPm.Runtime" Version="{feed.Version}" />
                <PackageReference Include="VfioPm.Analyzers" Version="{feed.Version}" />{references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="vfiopm-local" value="{SecurityElement.Escape(feed.Folder)}" />{machineCache}
              </packageSources>
            </configuration>
            """);
        foreach (var (file, text) in sources)
        {
            File.WriteAllText(Path.Combine(directory, file), text);
        }

        var restore = DotnetCli.Run(directory, ["restore", "-nodeReuse:false"]);
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException("restore from the local feed failed:\n" + restore);
        }

        return new ConsumerProject(directory);
    }

    /// <summary>Writes (or replaces) one file of the project.</summary>
    public void Write(string file, string text) => File.WriteAllText(Path.Combine(Directory, file), text);

    /// <summary>
    /// A full rebuild (diagnostics are printed only when the compiler runs), offline, with extra CLI arguments.
    /// </summary>
    public BuildResult Build(params string[] arguments)
    {
        var result = DotnetCli.Run(Directory, ["build", "--no-restore", "--no-incremental", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. arguments]);
        return new BuildResult(result, BuildDiagnostic.Parse(result.Output));
    }

    /// <summary>
    /// An incremental build, as a user's second <c>dotnet build</c> is: the compiler runs (and prints diagnostics) only
    /// when MSBuild finds an input changed.
    /// </summary>
    public BuildResult BuildIncremental(params string[] arguments)
    {
        var result = DotnetCli.Run(Directory, ["build", "--no-restore", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. arguments]);
        return new BuildResult(result, BuildDiagnostic.Parse(result.Output));
    }

    /// <summary>
    /// Runs the built program (Debug) and returns what it printed. A net8.0 program rolls forward onto the installed .NET
    /// runtime (only .NET 10 is installed here).
    /// </summary>
    public CommandResult Run(string targetFramework = "net10.0")
    {
        var dll = Path.Combine(Directory, "bin", "Debug", targetFramework, Path.GetFileName(Directory) + ".dll");
        return DotnetCli.Run(Directory, [dll], new Dictionary<string, string> { ["DOTNET_ROLL_FORWARD"] = "Major" });
    }

    /// <summary>The files the source generator wrote (EmitCompilerGeneratedFiles), relative to the project.</summary>
    public IReadOnlyList<string> GeneratedFiles(string generator) =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Directory, "obj"), "*.g.cs", SearchOption.AllDirectories)
            .Where(f => f.Contains(Path.DirectorySeparatorChar + generator + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Directory, f))
            .ToList();
}

/// <summary>A consumer build: the command's result and the diagnostics it printed.</summary>
internal sealed record BuildResult(CommandResult Command, IReadOnlyList<BuildDiagnostic> Diagnostics)
{
    public bool Succeeded => Command.ExitCode == 0;

    /// <summary>The VPM diagnostics reported in C# sources (not the package's own MSBuild warnings).</summary>
    public IEnumerable<BuildDiagnostic> CodeDiagnostics =>
        Diagnostics.Where(d => d.Id.StartsWith("VPM", StringComparison.Ordinal) && d.File.EndsWith(".cs", StringComparison.Ordinal));

    /// <summary>The VPM diagnostics in C# sources as sorted keys ("warning VPM0001 at WrongDriver.cs:33").</summary>
    public IReadOnlyList<string> VfioPmKeys => CodeDiagnostics.Select(d => d.Key).Order(StringComparer.Ordinal).ToList();

    public override string ToString() => Command.ToString();
}
