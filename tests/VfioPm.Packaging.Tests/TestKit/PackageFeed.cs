using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using VfioPm.Tests.Shared;

namespace VfioPm.Packaging.Tests.TestKit;

/// <summary>
/// Both packages, packed once per test run by <c>dotnet pack</c> into a temporary local folder, with their build
/// outputs in a temporary artifacts folder (so the packing never touches the bin/obj folders the running tests use).
/// </summary>
public sealed class PackageFeed : IDisposable
{
    // One packing per test run, shared by every collection that uses the feed (each collection gets its own fixture
    // instance); the last instance disposed deletes the folder. Guarded by Gate.
    private static readonly object Gate = new();
    private static Packed? s_packed;
    private static int s_users;

    private readonly Packed _packed;

    public PackageFeed()
    {
        lock (Gate)
        {
            s_packed ??= new Packed();
            s_users++;
            _packed = s_packed;
        }
    }

    /// <summary>The temporary folder holding the feed, the artifacts and the consumers.</summary>
    public string Root => _packed.Root;

    /// <summary>The local package source.</summary>
    public string Folder => _packed.Folder;

    /// <summary>The version every package of the repository carries (<c>VersionPrefix</c> in Directory.Build.props).</summary>
    public string Version => _packed.Version;

    /// <summary>The path of a package file in the feed, e.g. <c>Package("VfioPm.Runtime", "snupkg")</c>.</summary>
    public string Package(string id, string extension = "nupkg") => Path.Combine(Folder, $"{id}.{Version}.{extension}");

    public void Dispose()
    {
        lock (Gate)
        {
            if (--s_users > 0)
            {
                return;
            }

            s_packed = null;
        }

        if (Environment.GetEnvironmentVariable("VFIOPM_KEEP_PACKAGING_TEMP") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
    }

    private sealed class Packed
    {
        public Packed()
        {
            Root = Directory.CreateTempSubdirectory("vfiopm-packaging-").FullName;
            Folder = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
            Version = ReadVersion();
            var artifacts = Path.Combine(Root, "artifacts");
            foreach (var project in new[] { "runtime/VfioPm.Runtime/VfioPm.Runtime.csproj", "analyzers/VfioPm.Analyzers.Package/VfioPm.Analyzers.Package.csproj" })
            {
                var pack = DotnetCli.Run(RepositoryRoot.Path, ["pack", Path.Combine(RepositoryRoot.Path, project), "-c", "Release", "-o", Folder, "--artifacts-path", artifacts, "-nodeReuse:false", "-p:UseSharedCompilation=false"]);
                if (pack.ExitCode != 0)
                {
                    throw new InvalidOperationException("packing failed:\n" + pack);
                }
            }
        }

        public string Root { get; }

        public string Folder { get; }

        public string Version { get; }
    }

    private static string ReadVersion()
    {
        var props = XDocument.Load(Path.Combine(RepositoryRoot.Path, "Directory.Build.props"));
        return props.Descendants("VersionPrefix").Single().Value.Trim();
    }
}

/// <summary>Every test that needs the packed feed shares one (packing takes most of this project's time).</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "packed feed";
}

/// <summary>
/// The same feed, for the slow host tests (older compiler, net8.0, language server, dotnet format, incremental
/// rebuilds): a second collection, so xunit runs them beside the first instead of after it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedHostsCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "packed feed, hosts";
}
