using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Generators.Diagnostics;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>
/// Compiles test sources the way a user project would: references from the running runtime's trusted platform
/// assemblies plus the VfioPm runtime (and this test assembly, for the <see cref="IGeneratedFile"/> adapter), the
/// generator as a source generator and its analyzer on top.
/// </summary>
internal static class TestCompilation
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>Creates a compilation of <paramref name="sources"/> (file name, text), without generated code.</summary>
    public static CSharpCompilation Create(params (string Path, string Text)[] sources) =>
        CSharpCompilation.Create(
            "Probe" + Guid.NewGuid().ToString("N"),
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)),
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: false));

    /// <summary>Creates a compilation of one source file.</summary>
    public static CSharpCompilation Create(string source) => Create(("Driver.cs", source));

    /// <summary>A generator driver for the VfioPm generator, with step tracking on.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new VfioDeviceOpsGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator over <paramref name="compilation"/>.</summary>
    public static GeneratorOutcome Generate(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorOutcome(driver, driver.GetRunResult(), output, generatorDiagnostics);
    }

    /// <summary>Runs the generator over <paramref name="source"/>.</summary>
    public static GeneratorOutcome Generate(string source) => Generate(Create(source));

    /// <summary>Runs the companion analyzer over <paramref name="compilation"/> (typically the generator's output compilation).</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation) =>
        compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new VfioDeviceOpsAnalyzer()))
            .GetAnalyzerDiagnosticsAsync()
            .GetAwaiter()
            .GetResult();

    /// <summary>Compiler diagnostics at warning level and above.</summary>
    public static IReadOnlyList<Diagnostic> WarningsAndErrors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .ToList();
        paths.Add(typeof(VfioPm.Runtime.Errno).Assembly.Location);
        paths.Add(typeof(IGeneratedFile).Assembly.Location);
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            byName.TryAdd(Path.GetFileName(path), path);
        }

        return byName.Values.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}

/// <summary>The result of one generator run.</summary>
internal sealed record GeneratorOutcome(
    GeneratorDriver Driver,
    GeneratorDriverRunResult RunResult,
    Compilation Output,
    ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    /// <summary>The single generated source (fails unless exactly one was generated).</summary>
    public string SingleSource => Assert.Single(RunResult.GeneratedTrees).ToString();

    /// <summary>The generated source with <paramref name="hintName"/>.</summary>
    public string Source(string hintName) =>
        Assert.Single(RunResult.Results.Single().GeneratedSources, s => s.HintName == hintName).SourceText.ToString();
}
