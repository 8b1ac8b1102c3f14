using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>
/// Runs one analyzer over markup and asserts that the diagnostics it reports are exactly the marked ones (id and span),
/// and — always — that it did not throw (AD0001).
/// </summary>
/// <example>
/// <code>
/// await AnalyzerVerifier.VerifyAsync&lt;PmBalanceAnalyzer&gt;("""
///     class C { int M(Device d) { var r = {|VPM0003:d.Power.GetSync()|}; ... } }
///     """);
/// </code>
/// </example>
public static class AnalyzerVerifier
{
    /// <summary>Verifies <typeparamref name="TAnalyzer"/> on <paramref name="markup"/>.</summary>
    /// <param name="markup">The test source with expected diagnostics marked (see <see cref="Markup"/>).</param>
    /// <param name="settings">Compilation and analyzer options; <see langword="null"/> for the defaults.</param>
    /// <param name="expectMessageContains">When set, every reported diagnostic's message must contain this text.</param>
    /// <returns>The result, for further checks of messages and additional locations.</returns>
    public static Task<AnalyzerResult> VerifyAsync<TAnalyzer>(string markup, VerifierSettings? settings = null, string? expectMessageContains = null)
        where TAnalyzer : DiagnosticAnalyzer, new() =>
        VerifyAsync(new TAnalyzer(), markup, settings, expectMessageContains);

    /// <summary>Verifies <paramref name="analyzer"/> on <paramref name="markup"/>.</summary>
    public static async Task<AnalyzerResult> VerifyAsync(DiagnosticAnalyzer analyzer, string markup, VerifierSettings? settings = null, string? expectMessageContains = null)
    {
        settings ??= VerifierSettings.Default;
        var files = new[] { markup }.Concat(settings.AdditionalSources).Select(Markup.Parse).ToImmutableArray();
        var compilation = TestCompilation.Create(files.Select(f => f.Source), settings);
        var run = await AnalyzerRun.RunAsync(compilation, [analyzer], AnalyzerOptionsFor(settings)).ConfigureAwait(false);
        run.AssertNoAnalyzerFailures();

        var expected = new List<(string Path, string Id, TextSpan Span)>();
        var markers = new Dictionary<string, (string Path, TextSpan Span)>(StringComparer.Ordinal);
        for (var i = 0; i < files.Length; i++)
        {
            var path = TestCompilation.SourcePath(i);
            expected.AddRange(files[i].Expected.Select(e => (path, e.Id ?? OnlyRule(analyzer), e.Span)));
            foreach (var (name, span) in files[i].Markers)
            {
                if (!markers.TryAdd(name, (path, span)))
                {
                    throw new FormatException($"Marker '#{name}' is used in more than one file.");
                }
            }
        }

        var texts = files.Select((f, i) => (Path: TestCompilation.SourcePath(i), f.Source)).ToDictionary(x => x.Path, x => x.Source, StringComparer.Ordinal);
        AssertSameDiagnostics(expected, run.Diagnostics, texts);
        if (expectMessageContains is not null)
        {
            foreach (var diagnostic in run.Diagnostics)
            {
                AssertMessageContains(diagnostic, expectMessageContains);
            }
        }

        return new AnalyzerResult(run.Diagnostics, markers.ToImmutableDictionary(), compilation);
    }

    /// <summary>The analyzer options for <paramref name="settings"/> (its <c>.editorconfig</c>, no additional files).</summary>
    public static AnalyzerOptions AnalyzerOptionsFor(VerifierSettings settings) =>
        new(ImmutableArray<AdditionalText>.Empty, EditorConfigOptions.Create(settings.EditorConfig).AnalyzerOptions);

    /// <summary>Fails unless <paramref name="diagnostic"/>'s message contains <paramref name="text"/>.</summary>
    public static void AssertMessageContains(Diagnostic diagnostic, string text)
    {
        var message = diagnostic.GetMessage();
        if (!message.Contains(text, StringComparison.Ordinal))
        {
            Assert.Fail($"The message of {TestCompilation.Format(diagnostic)}\n  does not contain \"{text}\".");
        }
    }

    /// <summary>The id <c>[|...|]</c> stands for: the analyzer's only supported rule.</summary>
    public static string OnlyRule(DiagnosticAnalyzer analyzer)
    {
        var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct(StringComparer.Ordinal).ToList();
        return ids.Count == 1
            ? ids[0]
            : throw new InvalidOperationException(
                $"[|...|] needs an analyzer with exactly one rule; {analyzer.GetType().Name} supports {string.Join(", ", ids)}: use {{|ID:...|}}.");
    }

    private static void AssertSameDiagnostics(List<(string Path, string Id, TextSpan Span)> expected, ImmutableArray<Diagnostic> actual, Dictionary<string, string> texts)
    {
        // Multisets: the same diagnostic reported twice is a bug too.
        var missing = new List<(string Path, string Id, TextSpan Span)>(expected);
        var unexpected = new List<Diagnostic>();
        foreach (var diagnostic in actual)
        {
            var key = (diagnostic.Location.SourceTree?.FilePath ?? string.Empty, diagnostic.Id, diagnostic.Location.SourceSpan);
            var index = diagnostic.Location.IsInSource ? missing.IndexOf(key) : -1;
            if (index >= 0)
            {
                missing.RemoveAt(index);
            }
            else
            {
                unexpected.Add(diagnostic);
            }
        }

        if (missing.Count == 0 && unexpected.Count == 0)
        {
            return;
        }

        var message = new StringBuilder("The analyzer's diagnostics differ from the markup.\n");
        if (missing.Count > 0)
        {
            message.AppendLine($"Missing ({missing.Count}):");
            foreach (var (path, id, span) in missing)
            {
                message.Append("  ").AppendLine(DescribeExpected(actual, path, id, span, texts[path]));
            }
        }

        if (unexpected.Count > 0)
        {
            message.AppendLine($"Unexpected ({unexpected.Count}):");
            foreach (var diagnostic in unexpected)
            {
                message.Append("  ").AppendLine(TestCompilation.Format(diagnostic));
            }
        }

        message.AppendLine("Actual diagnostics as markup of Test0.cs:");
        message.AppendLine(ToMarkup(texts[TestCompilation.SourcePath(0)], actual.Where(d => d.Location.SourceTree?.FilePath == TestCompilation.SourcePath(0))));
        Assert.Fail(message.ToString());
    }

    private static string DescribeExpected(ImmutableArray<Diagnostic> actual, string path, string id, TextSpan span, string text)
    {
        var where = $"{Path.GetFileName(path)}({Markup.LineCol(text, span.Start)})";
        var marked = $" on \"{text.Substring(span.Start, span.Length)}\"";
        var near = actual.FirstOrDefault(d => d.Id == id && d.Location.SourceTree?.FilePath == path && d.Location.SourceSpan.IntersectsWith(span));
        var hint = near is null ? string.Empty : $" (reported on a different span: \"{near.Location.SourceTree!.GetText().ToString(near.Location.SourceSpan)}\")";
        return $"{where}: {id}{marked}{hint}";
    }

    /// <summary>Renders <paramref name="source"/> with <paramref name="diagnostics"/> as <c>{|ID:...|}</c> markup (for failure messages).</summary>
    public static string ToMarkup(string source, IEnumerable<Diagnostic> diagnostics)
    {
        // At one position the final text must read: closers (shorter span first), then openers (longer span first);
        // a zero-length span is one token placed last. Inserting at one position repeatedly prepends, so insert in reverse.
        var inserts = new List<(int Position, int Kind, int Key, string Text)>();
        foreach (var diagnostic in diagnostics.Where(d => d.Location.IsInSource))
        {
            var span = diagnostic.Location.SourceSpan;
            if (span.IsEmpty)
            {
                inserts.Add((span.Start, 1, 0, "{|" + diagnostic.Id + ":|}"));
                continue;
            }

            inserts.Add((span.Start, 1, -span.Length, "{|" + diagnostic.Id + ":"));
            inserts.Add((span.End, 0, span.Length, "|}"));
        }

        var builder = new StringBuilder(source);
        foreach (var (position, _, _, text) in inserts.OrderByDescending(x => x.Position).ThenByDescending(x => x.Kind).ThenByDescending(x => x.Key))
        {
            builder.Insert(Math.Min(position, builder.Length), text);
        }

        return builder.ToString();
    }
}

/// <summary>The diagnostics of a verified run, with the markup's named locations, for further assertions.</summary>
public sealed class AnalyzerResult
{
    internal AnalyzerResult(ImmutableArray<Diagnostic> diagnostics, ImmutableDictionary<string, (string Path, TextSpan Span)> markers, Compilation compilation)
    {
        Diagnostics = diagnostics;
        Markers = markers;
        Compilation = compilation;
    }

    /// <summary>The reported diagnostics (already equal to the markup's), ordered by file and position.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The <c>{|#name:...|}</c> locations of every file.</summary>
    public ImmutableDictionary<string, (string Path, TextSpan Span)> Markers { get; }

    /// <summary>The analyzed compilation.</summary>
    public Compilation Compilation { get; }

    /// <summary>The one diagnostic with <paramref name="id"/>; fails if there is not exactly one.</summary>
    public Diagnostic Single(string id)
    {
        var matches = Diagnostics.Where(d => d.Id == id).ToList();
        if (matches.Count != 1)
        {
            Assert.Fail($"Expected exactly one {id}, found {matches.Count}.");
        }

        return matches[0];
    }

    /// <summary>Fails unless the single <paramref name="id"/> diagnostic's message contains <paramref name="text"/>.</summary>
    public AnalyzerResult AssertMessageContains(string id, string text)
    {
        AnalyzerVerifier.AssertMessageContains(Single(id), text);
        return this;
    }

    /// <summary>
    /// Fails unless the single <paramref name="id"/> diagnostic's additional locations are exactly the spans of
    /// <paramref name="markers"/> (<c>{|#name:...|}</c>), in order.
    /// </summary>
    public AnalyzerResult AssertAdditionalLocations(string id, params string[] markers)
    {
        var diagnostic = Single(id);
        var expected = markers.Select(m => Markers.TryGetValue(m, out var loc) ? loc : throw new ArgumentException($"No marker '#{m}' in the markup.", nameof(markers))).ToList();
        var actual = diagnostic.AdditionalLocations.Select(l => (Path: l.SourceTree?.FilePath ?? string.Empty, Span: l.SourceSpan)).ToList();
        if (!expected.SequenceEqual(actual))
        {
            Assert.Fail(
                $"Additional locations of {TestCompilation.Format(diagnostic)}\n  expected: {string.Join(", ", expected.Select(Describe))}\n  actual:   {string.Join(", ", actual.Select(Describe))}");
        }

        return this;

        string Describe((string Path, TextSpan Span) location)
        {
            var tree = Compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == location.Path);
            return tree is null
                ? $"{location.Path}{location.Span}"
                : $"{Path.GetFileName(location.Path)}({tree.GetLineSpan(location.Span).StartLinePosition.Line + 1}:{tree.GetLineSpan(location.Span).StartLinePosition.Character + 1}) \"{tree.GetText().ToString(location.Span)}\"";
        }
    }
}
