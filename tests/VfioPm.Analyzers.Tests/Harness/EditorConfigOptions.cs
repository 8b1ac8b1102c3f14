using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>
/// One <c>.editorconfig</c> at <see cref="TestCompilation.EditorConfigPath"/> turned into what the compiler and the
/// analyzers read: per-tree diagnostic severities (<c>dotnet_diagnostic.ID.severity</c>) and analyzer options.
/// </summary>
public sealed class EditorConfigOptions
{
    private readonly AnalyzerConfigSet _set;

    private EditorConfigOptions(AnalyzerConfigSet set)
    {
        _set = set;
        TreeOptions = new TreeOptionsProvider(this);
        AnalyzerOptions = new ConfigOptionsProvider(this);
    }

    /// <summary>Severities for <see cref="Microsoft.CodeAnalysis.CompilationOptions.SyntaxTreeOptionsProvider"/>.</summary>
    public SyntaxTreeOptionsProvider TreeOptions { get; }

    /// <summary>Options for <see cref="Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions"/>.</summary>
    public AnalyzerConfigOptionsProvider AnalyzerOptions { get; }

    /// <summary>Parses <paramref name="editorConfig"/>; <see langword="null"/> means no file.</summary>
    public static EditorConfigOptions Create(string? editorConfig)
    {
        var configs = editorConfig is null
            ? ImmutableArray<AnalyzerConfig>.Empty
            : ImmutableArray.Create(AnalyzerConfig.Parse(editorConfig, TestCompilation.EditorConfigPath));
        return new EditorConfigOptions(AnalyzerConfigSet.Create(configs));
    }

    private AnalyzerConfigOptionsResult For(SyntaxTree tree) => _set.GetOptionsForSourcePath(tree.FilePath);

    private sealed class TreeOptionsProvider(EditorConfigOptions owner) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            owner.For(tree).TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            owner._set.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
    }

    private sealed class ConfigOptionsProvider(EditorConfigOptions owner) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => new Options(owner._set.GlobalConfigOptions.AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(owner.For(tree).AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            new Options(owner._set.GetOptionsForSourcePath(textFile.Path).AnalyzerOptions);
    }

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override IEnumerable<string> Keys => values.Keys;

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
