using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using VfioPm.Tests.Shared;
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

    /// <summary>The repository root (see <see cref="RepositoryRoot"/>).</summary>
    public static string RepoRoot() => RepositoryRoot.Path;
}
