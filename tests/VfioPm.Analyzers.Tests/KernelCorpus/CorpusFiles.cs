using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;

namespace VfioPm.Analyzers.Tests.KernelCorpus;

/// <summary>The corpus as embedded in this assembly: the prelude, the cases and the known-failures baseline.</summary>
public static class CorpusFiles
{
    private const string Prefix = "KernelCorpus/";
    private const string PreludeFolder = "Prelude/";

    private static readonly Lazy<ImmutableArray<(string Name, string Text)>> All = new(Load);

    /// <summary>The prelude sources (kernel helpers and struct ports every case compiles with), by name.</summary>
    public static ImmutableArray<(string Name, string Text)> Prelude => All.Value.Where(f => f.Name.StartsWith(PreludeFolder, StringComparison.Ordinal)).ToImmutableArray();

    /// <summary>Every case, parsed, ordered by id (a malformed header throws its <see cref="FormatException"/> here).</summary>
    public static ImmutableArray<CorpusCase> Cases => ParsedCases.Value;

    private static readonly Lazy<ImmutableArray<CorpusCase>> ParsedCases = new(() => All.Value
        .Where(f => !f.Name.StartsWith(PreludeFolder, StringComparison.Ordinal))
        .Select(f => CorpusCase.Parse(f.Name[..^".cs".Length], f.Text))
        .OrderBy(c => c.Id, StringComparer.Ordinal)
        .ToImmutableArray());

    /// <summary>The checked-in known-failures baseline (known-failures.txt).</summary>
    public static string KnownFailuresText => Read(Prefix + "known-failures.txt");

    private static ImmutableArray<(string Name, string Text)> Load()
    {
        var names = typeof(CorpusFiles).Assembly.GetManifestResourceNames()
            .Select(n => n.Replace('\\', '/'))
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".cs", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToImmutableArray();
        if (names.IsEmpty)
        {
            throw new InvalidOperationException("The kernel corpus is not embedded (see the test project's KernelCorpus EmbeddedResource item).");
        }

        return names.Select(n => (n[Prefix.Length..], Read(n))).ToImmutableArray();
    }

    private static string Read(string logicalName)
    {
        var assembly = typeof(CorpusFiles).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.Replace('\\', '/') == logicalName);
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
