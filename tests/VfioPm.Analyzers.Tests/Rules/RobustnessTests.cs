using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// Every analyzer over every line-prefix of every sample file and every rule-test file: half-typed code is what the IDE
/// feeds analyzers all day, and an analyzer exception (AD0001) there is a bug.
/// </summary>
public sealed class RobustnessTests
{
    public static IEnumerable<object[]> Files()
    {
        var root = Shipped.RepoRoot();
        var samples = Directory.GetFiles(Path.Combine(root, "samples"), "*.cs", SearchOption.AllDirectories);
        var ruleTests = Directory.GetFiles(Path.Combine(root, "tests", "VfioPm.Analyzers.Tests", "Rules"), "*Tests.cs");
        return samples.Concat(ruleTests)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => new object[] { Path.GetRelativePath(root, f) });
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task NoAnalyzerThrowsOnAnyPrefix(string relativePath)
    {
        var source = File.ReadAllText(Path.Combine(Shipped.RepoRoot(), relativePath));
        var prefixes = await RobustnessRunner.RunOnPrefixesAsync(Shipped.Analyzers, Escape(source));
        Assert.True(prefixes > 0);
    }

    // Test files carry markup inside string literals; it must reach the analyzers as plain text.
    internal static string Escape(string source) => source
        .Replace("{|", "{ |", StringComparison.Ordinal).Replace("|}", "| }", StringComparison.Ordinal)
        .Replace("[|", "[ |", StringComparison.Ordinal).Replace("|]", "| ]", StringComparison.Ordinal);

}
