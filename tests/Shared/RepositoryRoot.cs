using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace VfioPm.Tests.Shared;

/// <summary>
/// Where the repository is, for tests that read its files (rule docs, samples, snapshots). The root is recorded at build
/// time by tests/Directory.Build.props, because [CallerFilePath] is rewritten to <c>/_/…</c> in CI builds
/// (ContinuousIntegrationBuild sets a PathMap); the output folder is the fallback.
/// </summary>
internal static class RepositoryRoot
{
    private const string MappedPrefix = "/_/";

    /// <summary>The folder holding <c>VfioPm.Analyzers.sln</c>.</summary>
    public static string Path { get; } = Find();

    /// <summary>The on-disk path of a source file from its compile-time path, which may be mapped to <c>/_/relative</c>.</summary>
    public static string SourcePath(string compiledPath)
    {
        if (File.Exists(compiledPath) || !compiledPath.StartsWith(MappedPrefix, StringComparison.Ordinal))
        {
            return compiledPath;
        }

        var relative = compiledPath[MappedPrefix.Length..].Replace('/', System.IO.Path.DirectorySeparatorChar);
        return System.IO.Path.Combine(Path, relative);
    }

    private static string Find()
    {
        var recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "VfioPm.RepositoryRoot")?.Value;
        foreach (var start in new[] { recorded, AppContext.BaseDirectory })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "VfioPm.Analyzers.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"repository root not found from '{recorded}' or '{AppContext.BaseDirectory}'");
    }
}
