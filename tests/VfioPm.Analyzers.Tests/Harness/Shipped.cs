using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.Diagnostics;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>What the repository ships, for tests that run over all of it: every analyzer, and where the sources are.</summary>
public static class Shipped
{
    /// <summary>One instance of every [DiagnosticAnalyzer] in VfioPm.Analyzers.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = typeof(VfioPm.Analyzers.Rules.PmReferenceBalanceAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>The repository root, found from this file's own path (binaries may live outside it with --artifacts-path).</summary>
    public static string RepoRoot([CallerFilePath] string thisFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(thisFile)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VfioPm.Analyzers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root not found above " + thisFile);
    }
}
