using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>A fenced code block of a rule page: its language, the <c>##</c> section it is in, and its text.</summary>
public sealed record RuleDocBlock(string Language, string Section, string Code);

/// <summary>One rule page (<c>docs/rules/VPMxxxx.md</c>), split into <c>##</c> sections and code blocks.</summary>
public sealed class RuleDoc
{
    /// <summary>The usings every example on the rule pages assumes (stated at the top of each page).</summary>
    public const string ExamplePrelude = """
        global using System;
        global using VfioPm.Annotations;
        global using VfioPm.Runtime;
        global using VfioPm.Runtime.Power;
        global using VfioPm.Runtime.Pci;
        global using VfioPm.Runtime.Vfio;
        """;

    private RuleDoc(string name, string text)
    {
        Name = name;
        Text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        Lines = Text.Split('\n').ToImmutableArray();
        var sections = ImmutableArray.CreateBuilder<(string, string)>();
        var blocks = ImmutableArray.CreateBuilder<RuleDocBlock>();
        string? section = null;
        var body = new List<string>();
        string? fence = null;
        var code = new List<string>();
        foreach (var line in Lines)
        {
            if (fence is not null)
            {
                if (line.StartsWith("```", StringComparison.Ordinal))
                {
                    blocks.Add(new RuleDocBlock(fence, section ?? string.Empty, string.Join('\n', code)));
                    fence = null;
                    code.Clear();
                }
                else
                {
                    code.Add(line);
                }
            }
            else if (line.StartsWith("```", StringComparison.Ordinal))
            {
                fence = line[3..].Trim();
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (section is not null)
                {
                    sections.Add((section, string.Join('\n', body)));
                }

                section = line[3..].Trim();
                body.Clear();
                continue;
            }

            body.Add(line);
        }

        if (section is not null)
        {
            sections.Add((section, string.Join('\n', body)));
        }

        Sections = sections.ToImmutable();
        Blocks = blocks.ToImmutable();
    }

    /// <summary>The file name without extension (<c>VPM0001</c>, <c>README</c>).</summary>
    public string Name { get; }

    /// <summary>The page with <c>\n</c> line endings.</summary>
    public string Text { get; }

    /// <summary>The page's lines.</summary>
    public ImmutableArray<string> Lines { get; }

    /// <summary>The <c>##</c> sections in order: title and body (code blocks included).</summary>
    public ImmutableArray<(string Title, string Body)> Sections { get; }

    /// <summary>Every fenced code block.</summary>
    public ImmutableArray<RuleDocBlock> Blocks { get; }

    /// <summary>The body of section <paramref name="title"/>, or <see langword="null"/>.</summary>
    public string? Section(string title) => Sections.Where(s => s.Title == title).Select(s => s.Body).FirstOrDefault();

    /// <summary>The C# blocks of section <paramref name="title"/> (<c>Wrong</c>, <c>Right</c>, ...).</summary>
    public IEnumerable<string> CSharp(string title) => Blocks.Where(b => b.Language == "csharp" && b.Section == title).Select(b => b.Code);

    /// <summary>All rule pages and the README, by name.</summary>
    public static ImmutableDictionary<string, RuleDoc> All { get; } = Load();

    /// <summary>The page of <paramref name="id"/>; fails the test if there is none.</summary>
    public static RuleDoc For(string id)
    {
        if (!All.TryGetValue(id, out var doc))
        {
            Assert.Fail($"docs/rules/{id}.md does not exist.");
        }

        return doc;
    }

    private static ImmutableDictionary<string, RuleDoc> Load()
    {
        var assembly = typeof(RuleDoc).Assembly;
        var pages = ImmutableDictionary.CreateBuilder<string, RuleDoc>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => Regex.IsMatch(n, @"^docs/rules/[^/]+\.md$")))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var name = Path.GetFileNameWithoutExtension(resource);
            pages.Add(name, new RuleDoc(name, reader.ReadToEnd()));
        }

        return pages.ToImmutable();
    }
}
