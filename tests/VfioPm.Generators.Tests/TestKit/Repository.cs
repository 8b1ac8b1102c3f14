using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>Locates files of the repository from this source file's compile-time path.</summary>
internal static class Repository
{
    /// <summary>The repository root (the folder holding <c>VfioPm.Analyzers.sln</c>).</summary>
    public static string Root => FindRoot();

    private static string FindRoot([CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VfioPm.Analyzers.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found from " + here);
    }
}
