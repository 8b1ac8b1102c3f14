using VfioPm.Tests.Shared;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>Locates files of the repository (see <see cref="RepositoryRoot"/>).</summary>
internal static class Repository
{
    /// <summary>The repository root (the folder holding <c>VfioPm.Analyzers.sln</c>).</summary>
    public static string Root => RepositoryRoot.Path;

    /// <summary>The on-disk path of a source file from its compile-time path.</summary>
    public static string SourcePath(string compiledPath) => RepositoryRoot.SourcePath(compiledPath);
}
