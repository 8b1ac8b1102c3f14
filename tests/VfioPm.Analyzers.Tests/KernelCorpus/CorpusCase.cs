using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;

namespace VfioPm.Analyzers.Tests.KernelCorpus;

/// <summary>What a corpus file ports: a correct kernel function, or one side of a real bug/fix pair.</summary>
public enum CaseKind
{
    /// <summary>A correct function of the merged kernel: every VPM diagnostic on it is a false positive.</summary>
    Correct,

    /// <summary>The code before a fix commit: its marked lines are the diagnostics the rules must report.</summary>
    Bug,

    /// <summary>The code after the fix commit: correct, like <see cref="Correct"/>.</summary>
    Fixed,
}

/// <summary>What a case needs before the analyzers can get it right.</summary>
public enum CaseNeeds
{
    /// <summary>Today's annotations suffice; only the analysis engine (issue 11) has to be good enough.</summary>
    Engine,

    /// <summary>Needs an annotation form that does not exist yet (issue 12: ownership held by object state, per-element
    /// contracts, contracts conditional on a latched flag, release on success, hardware contracts).</summary>
    Contracts,
}

/// <summary>An expected diagnostic: rule id at a 1-based line of the case file.</summary>
public readonly record struct ExpectedDiagnostic(string Id, int Line)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Id}@{Line}";
}

/// <summary>
/// One corpus file, parsed from its header (<c>// kind:</c>, <c>// needs:</c>, <c>// ports:</c>, <c>// fix:</c>) and its
/// <c>// &lt;-- VPMxxxx</c> markers (KernelCorpus/README.md).
/// </summary>
public sealed record CorpusCase(
    string Id,
    string Text,
    CaseKind Kind,
    CaseNeeds Needs,
    string Ports,
    string? Fix,
    ImmutableArray<ExpectedDiagnostic> Expected)
{
    private static readonly Regex Header = new(@"^// ?(?<key>kind|needs|ports|fix|why):\s*(?<value>.+?)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex Marker = new(@"// <-- (?<ids>VPM\d{4}(?:[ ,]+VPM\d{4})*)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex IdPattern = new(@"VPM\d{4}", RegexOptions.CultureInvariant);

    /// <summary>The pair a Bug/Fixed case belongs to ("Pairs/SofBytesExtGet"), or <see langword="null"/>.</summary>
    public string? PairId => Kind == CaseKind.Correct ? null : Id[..Id.LastIndexOf('.')];

    /// <summary>True for the correct side of the corpus (correct functions and fixed versions).</summary>
    public bool IsCorrectCode => Kind != CaseKind.Bug;

    /// <summary>Parses corpus file <paramref name="id"/> (its path under Corpus/ without ".cs").</summary>
    /// <exception cref="FormatException">The header is missing or malformed, or the markers disagree with the kind.</exception>
    public static CorpusCase Parse(string id, string text)
    {
        var lines = text.Split('\n');
        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.TakeWhile(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal)))
        {
            var m = Header.Match(line.Trim());
            if (m.Success)
            {
                header[m.Groups["key"].Value] = header.TryGetValue(m.Groups["key"].Value, out var before)
                    ? before + " " + m.Groups["value"].Value
                    : m.Groups["value"].Value;
            }
        }

        string Required(string key) => header.TryGetValue(key, out var v)
            ? v
            : throw new FormatException($"{id}: the header has no '// {key}:' line");

        var kind = Required("kind") switch
        {
            "correct" => CaseKind.Correct,
            "bug" => CaseKind.Bug,
            "fixed" => CaseKind.Fixed,
            var other => throw new FormatException($"{id}: kind '{other}' is not correct, bug or fixed"),
        };
        var needs = Required("needs") switch
        {
            "engine" => CaseNeeds.Engine,
            "contracts" => CaseNeeds.Contracts,
            var other => throw new FormatException($"{id}: needs '{other}' is not engine or contracts"),
        };
        var ports = Required("ports");
        header.TryGetValue("fix", out var fix);

        var expected = ImmutableArray.CreateBuilder<ExpectedDiagnostic>();
        for (var i = 0; i < lines.Length; i++)
        {
            var m = Marker.Match(lines[i].TrimEnd('\r'));
            if (m.Success)
            {
                expected.AddRange(IdPattern.Matches(m.Groups["ids"].Value).Select(x => new ExpectedDiagnostic(x.Value, i + 1)));
            }
        }

        var fileKind = id.EndsWith(".Bug", StringComparison.Ordinal) ? CaseKind.Bug
            : id.EndsWith(".Fixed", StringComparison.Ordinal) ? CaseKind.Fixed
            : CaseKind.Correct;
        if (fileKind != kind)
        {
            throw new FormatException($"{id}: '// kind: {Required("kind")}' does not match the file name (X.Bug.cs, X.Fixed.cs, or neither)");
        }

        if (kind == CaseKind.Bug && expected.Count == 0)
        {
            throw new FormatException($"{id}: a bug case marks at least one line with '// <-- VPMxxxx'");
        }

        if (kind != CaseKind.Bug && expected.Count != 0)
        {
            throw new FormatException($"{id}: correct code expects no diagnostic, but marks {string.Join(", ", expected)}");
        }

        if (kind != CaseKind.Correct && string.IsNullOrWhiteSpace(fix))
        {
            throw new FormatException($"{id}: a bug/fix case cites its fix commit in a '// fix:' line");
        }

        return new CorpusCase(id, text, kind, needs, ports, fix, expected.ToImmutable());
    }
}
