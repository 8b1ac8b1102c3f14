using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace VfioPm.Benchmarks.Analysis;

/// <summary>
/// CA2000 (dispose objects before losing scope) from the Microsoft.CodeAnalysis.NetAnalyzers that ship inside the
/// .NET SDK (<c>&lt;dotnet&gt;/sdk/&lt;version&gt;/Sdks/Microsoft.NET.Sdk/analyzers/</c>), loaded by path at run time. That
/// assembly is built against Microsoft.CodeAnalysis 3.11, so it binds to the newer Roslyn this process hosts.
/// <c>VFIOPM_NETANALYZERS</c> may name the file instead.
/// </summary>
public static class SdkNetAnalyzers
{
    /// <summary>The diagnostic id.</summary>
    public const string Ca2000 = "CA2000";

    /// <summary>The NetAnalyzers assembly this process found, or null.</summary>
    public static string? Path { get; } = Locate();

    /// <summary>The analyzer that reports CA2000.</summary>
    public static DiagnosticAnalyzer LoadCa2000()
    {
        var path = Path ?? throw new FileNotFoundException("Microsoft.CodeAnalysis.NetAnalyzers.dll not found under the .NET SDK; set VFIOPM_NETANALYZERS");
        var reference = new AnalyzerFileReference(path, new PathLoader());
        var analyzers = reference.GetAnalyzers(LanguageNames.CSharp);
        return analyzers.FirstOrDefault(a => a.SupportedDiagnostics.Any(d => d.Id == Ca2000))
            ?? throw new InvalidOperationException($"no analyzer for {Ca2000} in {path}");
    }

    /// <summary>CA2000 on as a warning (it ships disabled).</summary>
    public static ImmutableDictionary<string, ReportDiagnostic> EnableCa2000 { get; } =
        ImmutableDictionary<string, ReportDiagnostic>.Empty.Add(Ca2000, ReportDiagnostic.Warn);

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("VFIOPM_NETANALYZERS") is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : null;
        }

        // <dotnet>/shared/Microsoft.NETCore.App/<v>/ → <dotnet>/sdk/<sdk version>/..., newest SDK first.
        var dotnet = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var sdkRoot = System.IO.Path.Combine(dotnet, "sdk");
        if (!Directory.Exists(sdkRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(sdkRoot)
            .Select(dir => (Dir: dir, Version: Version.TryParse(System.IO.Path.GetFileName(dir).Split('-')[0], out var v) ? v : null))
            .Where(x => x.Version is not null)
            .OrderByDescending(x => x.Version)
            .Select(x => System.IO.Path.Combine(x.Dir, "Sdks", "Microsoft.NET.Sdk", "analyzers", "Microsoft.CodeAnalysis.NetAnalyzers.dll"))
            .FirstOrDefault(File.Exists);
    }

    // Loads analyzer assemblies (and, via LoadFrom, their neighbours) into the default context.
    private sealed class PathLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
