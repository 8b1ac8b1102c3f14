using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace VfioPm.Benchmarks.Analysis;

/// <summary>
/// Compilations of a corpus as a build would make them: a class library against the .NET reference assemblies of the
/// running runtime's targeting pack (the trusted platform assemblies when the pack is absent), plus VfioPm.Runtime for
/// the annotated corpus. Single-threaded (<c>concurrentBuild: false</c>), so compile and analyzer times compare.
/// </summary>
public static class CorpusCompilation
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(LoadFramework);

    /// <summary>The parse options (C# latest).</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>Where the framework references came from.</summary>
    public static string FrameworkSource { get; private set; } = string.Empty;

    /// <summary>Parses <paramref name="files"/>.</summary>
    public static ImmutableArray<SyntaxTree> Parse(IReadOnlyList<(string Path, string Text)> files) =>
        files.Select(f => CSharpSyntaxTree.ParseText(f.Text, ParseOptions, f.Path)).ToImmutableArray();

    /// <summary>A compilation of <paramref name="trees"/>; with <paramref name="referenceVfioPm"/> it also references VfioPm.Runtime.</summary>
    public static CSharpCompilation Create(IEnumerable<SyntaxTree> trees, bool referenceVfioPm, IReadOnlyDictionary<string, ReportDiagnostic>? diagnosticOptions = null)
    {
        var references = referenceVfioPm
            ? Framework.Value.Add(MetadataReference.CreateFromFile(typeof(VfioPm.Runtime.Errno).Assembly.Location))
            : Framework.Value;
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            concurrentBuild: false,
            specificDiagnosticOptions: diagnosticOptions);
        return CSharpCompilation.Create("Corpus", trees, references, options);
    }

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<version>/ → <dotnet>/packs/Microsoft.NETCore.App.Ref/<version>/ref/net<major>.<minor>/
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var version = Path.GetFileName(runtimeDir);
        var dotnet = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var tfm = "net" + Environment.Version.Major + "." + Environment.Version.Minor;
        var pack = Path.Combine(dotnet, "packs", "Microsoft.NETCore.App.Ref", version, "ref", tfm);
        if (Directory.Exists(pack))
        {
            FrameworkSource = pack;
            return Directory.EnumerateFiles(pack, "*.dll").Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        }

        FrameworkSource = "TRUSTED_PLATFORM_ASSEMBLIES";
        var tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return tpa.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Where(p => Path.GetDirectoryName(p) == runtimeDir)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
