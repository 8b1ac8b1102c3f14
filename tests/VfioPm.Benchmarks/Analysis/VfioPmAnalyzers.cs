using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis.Diagnostics;

namespace VfioPm.Benchmarks.Analysis;

/// <summary>Every analyzer VfioPm ships: VPM0001–VPM0011 (VfioPm.Analyzers) and VPM1001–VPM1009 (the generator assembly's).</summary>
public static class VfioPmAnalyzers
{
    /// <summary>One fresh instance of each.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Create() =>
        new[] { typeof(VfioPm.Analyzers.Rules.PmReferenceBalanceAnalyzer).Assembly, typeof(VfioPm.Generators.VfioDeviceOpsGenerator).Assembly }
            .SelectMany(Instances)
            .ToImmutableArray();

    private static DiagnosticAnalyzer[] Instances(Assembly assembly) => assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToArray();
}
