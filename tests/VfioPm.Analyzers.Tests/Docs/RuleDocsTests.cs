using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Docs;

/// <summary>
/// The rule pages (docs/rules) against the descriptors: one page per rule with the descriptor's title, category,
/// severity and message, the help link pointing at it, the same section layout everywhere, working suppression
/// snippets, and C# examples that compile against the real runtime.
/// </summary>
public class RuleDocsTests
{
    private const string HelpBase = "https://github.com/vfiopm/vfiopm/blob/main/docs/rules/";

    /// <summary>The rules DESIGN.md gives a code fix, and VPM0010's "declare the memory_lock contract" (issue 12 item 4).</summary>
    private static readonly HashSet<string> RulesWithCodeFix = new(StringComparer.Ordinal) { "VPM0001", "VPM0002", "VPM0003", "VPM0008", "VPM0010" };

    private static readonly string[] SectionOrder = ["What it finds", "Why", "Wrong", "Right", "Code fix", "How to suppress", "Limitations"];

    public static IEnumerable<object[]> RuleIds => Rules().Select(d => new object[] { d.Id });

    /// <summary>Every descriptor in <c>VfioPm.Analyzers.Descriptors</c>.</summary>
    private static List<DiagnosticDescriptor> Rules() =>
        typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList();

    private static DiagnosticDescriptor Rule(string id) => Rules().Single(d => d.Id == id);

    private static string YesNo(bool value) => value ? "Yes" : "No";

    [Fact]
    public void There_are_descriptors_with_unique_ids()
    {
        var ids = Rules().Select(d => d.Id).ToList();
        Assert.Contains("VPM0001", ids);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Help_link_points_at_the_rule_page(string id) =>
        Assert.Equal(HelpBase + id + ".md", Rule(id).HelpLinkUri);

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Page_header_matches_the_descriptor(string id)
    {
        var rule = Rule(id);
        var doc = RuleDoc.For(id);
        Assert.Equal($"# {id}: {rule.Title}", doc.Lines[0]);
        var row = $"| {id} | {rule.Category} | {rule.DefaultSeverity} | {YesNo(rule.IsEnabledByDefault)} | {YesNo(RulesWithCodeFix.Contains(id))} |";
        Assert.Contains(row, doc.Lines);
        Assert.Contains($"Message: `{rule.MessageFormat}`", doc.Lines);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Page_has_the_common_sections_in_order(string id)
    {
        var doc = RuleDoc.For(id);
        Assert.Equal(SectionOrder, doc.Sections.Select(s => s.Title));
        Assert.All(doc.Sections, s => Assert.False(string.IsNullOrWhiteSpace(s.Body), $"{id}: section '{s.Title}' is empty"));
        Assert.Contains("// " + id, doc.CSharp("Wrong").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain(id, doc.CSharp("Right").Single(), StringComparison.Ordinal);
        var usings = RuleDoc.ExamplePrelude.Split('\n').Select(l => l.Trim().Replace("global using", "using", StringComparison.Ordinal));
        Assert.Contains("Examples assume `" + string.Join(' ', usings) + "`.", doc.Lines);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Suppression_snippets_name_the_rule_exactly(string id)
    {
        var rule = Rule(id);
        var section = RuleDoc.For(id).Section("How to suppress")!;
        Assert.Contains($"#pragma warning disable {id}", section, StringComparison.Ordinal);
        Assert.Contains($"#pragma warning restore {id}", section, StringComparison.Ordinal);
        Assert.Contains($"[SuppressMessage(\"{rule.Category}\", \"{id}:{rule.Title}\", Justification = \"", section, StringComparison.Ordinal);
        Assert.Contains($"dotnet_diagnostic.{id}.severity = none", section, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Code_fix_section_matches_the_design(string id)
    {
        var section = RuleDoc.For(id).Section("Code fix")!;
        if (RulesWithCodeFix.Contains(id))
        {
            Assert.Matches(@"^\*\*[^*]+\*\*", section.Trim());
        }
        else
        {
            Assert.StartsWith("None", section.Trim(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Examples_compile_against_the_runtime(string id)
    {
        var doc = RuleDoc.For(id);
        var blocks = doc.Blocks.Where(b => b.Language == "csharp" && b.Section is "Wrong" or "Right" or "Code fix").ToList();
        Assert.True(blocks.Count >= 2, $"{id}: expected Wrong and Right examples");
        foreach (var block in blocks)
        {
            var compilation = TestCompilation.Create([RuleDoc.ExamplePrelude, block.Code], VerifierSettings.Default with { AllowCompilerErrors = true });
            TestCompilation.AssertNoCompilerErrors(compilation, $"The '{block.Section}' example of {id}.md does not compile");
        }
    }

    [Fact]
    public void Every_analyzer_page_belongs_to_a_rule_and_its_links_resolve()
    {
        // VPM0xxx are the analyzers' pages (this file's subject); VPM1xxx belong to the generator and keep their own layout.
        var ids = Rules().Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var ours = RuleDoc.All.Values.Where(d => d.Name == "README" || Regex.IsMatch(d.Name, "^VPM0[0-9]{3}$")).ToList();
        Assert.True(ours.Count > ids.Count);
        foreach (var doc in ours.Where(d => d.Name != "README"))
        {
            Assert.True(ids.Contains(doc.Name), $"docs/rules/{doc.Name}.md has no descriptor");
        }

        foreach (var doc in ours)
        {
            foreach (Match link in Regex.Matches(doc.Text, @"\]\(([^)#:/]+)\.md\)"))
            {
                Assert.True(RuleDoc.All.ContainsKey(link.Groups[1].Value), $"{doc.Name}.md links to missing {link.Groups[1].Value}.md");
            }
        }
    }

    [Fact]
    public void Readme_indexes_every_rule()
    {
        var readme = RuleDoc.For("README");
        var strict = StrictRules();
        Assert.NotEmpty(strict);
        foreach (var rule in Rules())
        {
            var strictColumn = strict.Contains(rule.Id) ? "Error" : "—";
            var row = $"| [{rule.Id}]({rule.Id}.md) | {rule.Title} | {rule.Category} | {rule.DefaultSeverity} | {YesNo(RulesWithCodeFix.Contains(rule.Id))} | {strictColumn} |";
            Assert.Contains(row, readme.Lines);
        }

        Assert.Contains(RuleDoc.ExamplePrelude.Replace("global using", "using", StringComparison.Ordinal), readme.Text, StringComparison.Ordinal);
    }

    /// <summary>The rules the package's VfioPmEnforcement=strict config makes errors (what the index's Strict column must say).</summary>
    private static HashSet<string> StrictRules()
    {
        var config = Path.Combine(Shipped.RepoRoot(), "analyzers", "VfioPm.Analyzers.Package", "buildTransitive", "VfioPm.Analyzers.Strict.globalconfig");
        return File.ReadAllLines(config)
            .Select(l => Regex.Match(l, @"^dotnet_diagnostic\.(VPM\d{4})\.severity\s*=\s*error\s*$"))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void Shipped_code_fixes_only_fix_rules_documented_with_one()
    {
        var assembly = Assembly.Load("VfioPm.Analyzers.CodeFixes");
        foreach (var type in assembly.GetTypes().Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t)))
        {
            var fix = (CodeFixProvider)Activator.CreateInstance(type)!;
            foreach (var id in fix.FixableDiagnosticIds)
            {
                Assert.True(RulesWithCodeFix.Contains(id), $"{type.Name} fixes {id}, whose page says 'Code fix: No'.");
            }
        }
    }
}
