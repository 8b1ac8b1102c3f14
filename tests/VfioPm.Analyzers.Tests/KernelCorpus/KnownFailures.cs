using System;
using System.Collections.Immutable;
using System.Linq;

namespace VfioPm.Analyzers.Tests.KernelCorpus;

/// <summary>
/// The checked-in baseline (known-failures.txt): one case id per line, then its reason. Blank lines and lines starting
/// with '#' are comments. The runner fails on a failing case not listed and on a listed case that passes.
/// </summary>
public static class KnownFailures
{
    /// <summary>Case id → reason.</summary>
    public static ImmutableDictionary<string, string> Parse(string text)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var split = line.IndexOfAny([' ', '\t']);
            var id = split < 0 ? line : line[..split];
            var reason = split < 0 ? string.Empty : line[split..].Trim();
            if (reason.Length == 0)
            {
                throw new FormatException($"known-failures.txt: '{id}' has no reason");
            }

            if (builder.ContainsKey(id))
            {
                throw new FormatException($"known-failures.txt: '{id}' is listed twice");
            }

            builder.Add(id, reason);
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// The differences between <paramref name="outcomes"/> and <paramref name="baseline"/>: failing cases the baseline does
    /// not list, and listed cases that pass. Both must be empty.
    /// </summary>
    public static (ImmutableArray<CaseOutcome> Unlisted, ImmutableArray<CaseOutcome> NowPassing) Compare(
        ImmutableArray<CaseOutcome> outcomes,
        ImmutableDictionary<string, string> baseline) =>
        (outcomes.Where(o => !o.Passed && !baseline.ContainsKey(o.Case.Id)).ToImmutableArray(),
         outcomes.Where(o => o.Passed && baseline.ContainsKey(o.Case.Id)).ToImmutableArray());
}
