using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>A source file of a test compilation.</summary>
public readonly record struct TestSource(string Path, string Text);

/// <summary>
/// Builds the <see cref="CSharpCompilation"/> a test analyzes: a class library, C# latest, nullable enabled, referencing the
/// running framework (the shared-framework part of <c>TRUSTED_PLATFORM_ASSEMBLIES</c>) and either the real
/// <c>VfioPm.Runtime</c> or inline copies of the annotation attributes.
/// </summary>
public static class TestCompilation
{
    /// <summary>The directory test files live in (an absolute path, so an <c>.editorconfig</c> applies to them).</summary>
    public const string Directory = "/0/";

    /// <summary>Where the <c>.editorconfig</c> of <see cref="VerifierSettings.EditorConfig"/> sits.</summary>
    public const string EditorConfigPath = Directory + ".editorconfig";

    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(LoadFramework);
    private static readonly Lazy<MetadataReference> Runtime = new(() => MetadataReference.CreateFromFile(typeof(VfioPm.Runtime.Errno).Assembly.Location));
    private static readonly Lazy<ImmutableArray<TestSource>> AnnotationFiles = new(LoadAnnotationSources);

    /// <summary>The framework references: every trusted platform assembly of the running runtime's shared framework.</summary>
    public static ImmutableArray<MetadataReference> FrameworkReferences => Framework.Value;

    /// <summary>The <c>VfioPm.Runtime</c> assembly the tests run against.</summary>
    public static MetadataReference RuntimeReference => Runtime.Value;

    /// <summary>The path of test file <paramref name="index"/> (0 is the main source).</summary>
    public static string SourcePath(int index) => $"{Directory}Test{index}.cs";

    /// <summary>The shipped annotation attribute sources, made <see langword="internal"/> when <paramref name="makeInternal"/>.</summary>
    public static ImmutableArray<TestSource> AnnotationSources(bool makeInternal) =>
        makeInternal
            ? AnnotationFiles.Value.Select(f => f with { Text = Regex.Replace(f.Text, @"\bpublic (sealed class|enum)\b", "internal $1") }).ToImmutableArray()
            : AnnotationFiles.Value;

    /// <summary>The parse options for <paramref name="settings"/>.</summary>
    public static CSharpParseOptions ParseOptions(VerifierSettings? settings = null) =>
        new(languageVersion: (settings ?? VerifierSettings.Default).LanguageVersion, documentationMode: DocumentationMode.Parse);

    /// <summary>The compilation options: a DLL, nullable enabled, unsafe allowed, warnings reported as they are.</summary>
    public static CSharpCompilationOptions CompilationOptions { get; } = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: true,
        concurrentBuild: false);

    /// <summary>The references for <paramref name="annotations"/>.</summary>
    public static ImmutableArray<MetadataReference> References(AnnotationSource annotations) =>
        annotations == AnnotationSource.RuntimeAssembly ? FrameworkReferences.Add(RuntimeReference) : FrameworkReferences;

    /// <summary>
    /// Every source of a test: <paramref name="sources"/> as Test0.cs, Test1.cs, ... then, for inline annotations,
    /// the attribute files.
    /// </summary>
    public static ImmutableArray<TestSource> Sources(IEnumerable<string> sources, VerifierSettings? settings = null)
    {
        settings ??= VerifierSettings.Default;
        var all = sources.Select((text, i) => new TestSource(SourcePath(i), text)).ToImmutableArray();
        return settings.Annotations switch
        {
            AnnotationSource.Inline => all.AddRange(AnnotationSources(makeInternal: false)),
            AnnotationSource.InlineInternal => all.AddRange(AnnotationSources(makeInternal: true)),
            _ => all,
        };
    }

    /// <summary>
    /// Creates the compilation of <paramref name="sources"/> (plain C#, no markup). Unless
    /// <see cref="VerifierSettings.AllowCompilerErrors"/>, compiler errors fail the test and are printed.
    /// </summary>
    public static CSharpCompilation Create(IEnumerable<string> sources, VerifierSettings? settings = null)
    {
        settings ??= VerifierSettings.Default;
        var parse = ParseOptions(settings);
        var trees = Sources(sources, settings)
            .Select(s => CSharpSyntaxTree.ParseText(SourceText.From(s.Text, Encoding.UTF8), parse, s.Path))
            .ToImmutableArray();
        var options = CompilationOptions;
        if (settings.EditorConfig is { } editorConfig)
        {
            options = options.WithSyntaxTreeOptionsProvider(EditorConfigOptions.Create(editorConfig).TreeOptions);
        }

        var compilation = CSharpCompilation.Create("TestProject", trees, References(settings.Annotations), options);
        if (!settings.AllowCompilerErrors)
        {
            AssertNoCompilerErrors(compilation);
        }

        return compilation;
    }

    /// <summary>Creates the compilation of one source.</summary>
    public static CSharpCompilation Create(string source, VerifierSettings? settings = null) => Create([source], settings);

    /// <summary>Fails the test, listing each error with its position and source line, if <paramref name="compilation"/> has errors.</summary>
    public static void AssertNoCompilerErrors(Compilation compilation, string? context = null)
    {
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(context ?? "The test source does not compile").Append(" (").Append(errors.Count).AppendLine(" error(s)):");
        foreach (var error in errors.Take(20))
        {
            message.Append("  ").AppendLine(Format(error));
        }

        Assert.Fail(message.ToString());
    }

    /// <summary>"path(line:col): ID message" plus the source line, for failure messages.</summary>
    public static string Format(Diagnostic diagnostic)
    {
        if (!diagnostic.Location.IsInSource)
        {
            return $"{diagnostic.Id}: {diagnostic.GetMessage()}";
        }

        var span = diagnostic.Location.GetLineSpan();
        var text = diagnostic.Location.SourceTree!.GetText();
        var line = span.StartLinePosition.Line < text.Lines.Count ? text.Lines[span.StartLinePosition.Line].ToString().Trim() : string.Empty;
        return $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}): {diagnostic.Id} {diagnostic.GetMessage()}    | {line}";
    }

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not set: the tests must run on .NET (Core).");
        // Only the shared framework's own assemblies: the test host's and this repository's assemblies are on the TPA
        // list too, and VfioPm.Runtime must not be referenced when a test declares the annotations inline.
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDir, StringComparison.Ordinal))
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    private static ImmutableArray<TestSource> LoadAnnotationSources()
    {
        var assembly = typeof(TestCompilation).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Annotations/", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return new TestSource(Directory + n, reader.ReadToEnd());
            })
            .ToImmutableArray();
        if (files.IsEmpty)
        {
            throw new InvalidOperationException("The annotation sources are not embedded (see the test project's EmbeddedResource item).");
        }

        return files;
    }
}
