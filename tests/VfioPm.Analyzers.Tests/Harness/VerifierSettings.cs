using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>Where the test compilation gets the <c>VfioPm.Annotations</c> attributes from.</summary>
public enum AnnotationSource
{
    /// <summary>Reference the real <c>VfioPm.Runtime</c> assembly: test code can use <c>RuntimePm</c>, <c>MemoryLock</c>, ...</summary>
    RuntimeAssembly,

    /// <summary>No runtime reference; the attribute sources are compiled into the test compilation as they are (public).</summary>
    Inline,

    /// <summary>As <see cref="Inline"/>, but every declaration is made <see langword="internal"/>: a driver's private copy.</summary>
    InlineInternal,
}

/// <summary>Options for <see cref="TestCompilation"/>, <see cref="AnalyzerRun"/> and <see cref="RobustnessRunner"/>.</summary>
public sealed record VerifierSettings
{
    /// <summary>The defaults: the real runtime referenced, C# latest, no editorconfig, compiler errors fail the test.</summary>
    public static VerifierSettings Default { get; } = new();

    /// <summary>Where the annotation attributes come from.</summary>
    public AnnotationSource Annotations { get; init; } = AnnotationSource.RuntimeAssembly;

    /// <summary>More source files (markup allowed and stripped). The main source is file 0.</summary>
    public ImmutableArray<string> AdditionalSources { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>An <c>.editorconfig</c> placed beside the sources (for example <c>[*.cs]\ndotnet_diagnostic.VPM0001.severity = none</c>).</summary>
    public string? EditorConfig { get; init; }

    /// <summary>When false (default), compiler errors in the test source fail the test before any analyzer runs.</summary>
    public bool AllowCompilerErrors { get; init; }

    /// <summary>The language version (default: the latest the hosted Roslyn supports).</summary>
    public LanguageVersion LanguageVersion { get; init; } = LanguageVersion.Latest;

    /// <summary>The analyzer options these settings give (their <c>.editorconfig</c>, no additional files).</summary>
    public AnalyzerOptions AnalyzerOptions() =>
        new(ImmutableArray<AdditionalText>.Empty, EditorConfigOptions.Create(EditorConfig).AnalyzerOptions);
}
