using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VfioPm.Tests.Shared;

namespace VfioPm.Packaging.Tests.TestKit;

/// <summary>The fenced code blocks of one section of the repository's README, in order.</summary>
internal sealed class ReadmeSection
{
    private static readonly Regex Fence = new(@"^```(?<lang>[a-z]*)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private ReadmeSection(IReadOnlyList<(string Language, string Body)> blocks) => Blocks = blocks;

    public IReadOnlyList<(string Language, string Body)> Blocks { get; }

    /// <summary>The section under <c>## {heading}</c>, up to the next second-level heading.</summary>
    public static ReadmeSection Read(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = readme.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '## {heading}' section");
        var end = readme.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return new ReadmeSection(Fence.Matches(section).Select(m => (m.Groups["lang"].Value, m.Groups["body"].Value)).ToList());
    }

    /// <summary>The bodies of the blocks in <paramref name="language"/>, in order.</summary>
    public IReadOnlyList<string> Code(string language) => Blocks.Where(b => b.Language == language).Select(b => b.Body).ToList();

    /// <summary>Every diagnostic line the section's <c>text</c> blocks promise, as <see cref="BuildDiagnostic.Text"/>.</summary>
    public IReadOnlyList<string> PromisedDiagnostics() =>
        Code("text").SelectMany(b => b.Split('\n')).Where(l => Regex.IsMatch(l, @"^\S+\.cs\(\d+,\d+\): (warning|error) ")).ToList();
}
