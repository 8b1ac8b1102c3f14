using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using VfioPm.Analyzers.Tests.Harness;
using Xunit.Abstractions;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// Every analyzer under hostile input: seeded mutants of the sample and rule-test files (tokens deleted, inserted and
/// duplicated, methods cut off mid-body), deep nesting, recursion and huge methods. No analyzer may throw (AD0001), and
/// none may take more than <see cref="Bound"/> on one source — a generous hang guard, not a timing assertion.
/// </summary>
public sealed class HostileInputTests
{
    /// <summary>The most one analyzer may spend on one source.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private const int MutantsPerFile = 8;

    private readonly ITestOutputHelper _out;

    public HostileInputTests(ITestOutputHelper output) => _out = output;

    public static IEnumerable<object[]> Files() => RobustnessTests.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public async Task NoAnalyzerThrowsOrHangsOnMutantsOf(string relativePath)
    {
        var source = RobustnessTests.Escape(File.ReadAllText(Path.Combine(Shipped.RepoRoot(), relativePath)));
        var mutants = MalformedCode.Mutants(Path.GetFileName(relativePath), source, MalformedCode.StableSeed(relativePath), MutantsPerFile).ToList();
        Assert.Equal(MutantsPerFile, mutants.Count);
        Assert.All(mutants, m => Assert.NotEqual(source, m.Text));

        var summary = await RobustnessRunner.RunOnVariantsAsync(Shipped.Analyzers, mutants, Bound);
        _out.WriteLine(summary.ToString());
        Assert.Equal(MutantsPerFile, summary.Variants);
    }

    [Fact]
    public async Task NoAnalyzerThrowsOrHangsOnDeepNestingRecursionOrHugeMethods()
    {
        var sources = new[]
        {
            MalformedCode.DeepNesting(40),
            MalformedCode.DeepNesting(160),
            MalformedCode.Recursion(),
            MalformedCode.HugeMethod(400),
            MalformedCode.HugeMethod(2000),
        };
        var summary = await RobustnessRunner.RunOnVariantsAsync(Shipped.Analyzers, sources, Bound);
        _out.WriteLine(summary.ToString());
        Assert.Equal(sources.Length, summary.Variants);
    }

    [Fact]
    public void MutantsAreReproducibleFromTheSeedAndDifferAcrossSeeds()
    {
        const string source = "class C { void M() { Dev.Power.Put(); if (x) { return; } } }";
        var first = MalformedCode.Mutants("C.cs", source, 7, 8).Select(m => m.Text).ToArray();
        var again = MalformedCode.Mutants("C.cs", source, 7, 8).Select(m => m.Text).ToArray();
        var other = MalformedCode.Mutants("C.cs", source, 8, 8).Select(m => m.Text).ToArray();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(MalformedCode.StableSeed("samples/x.cs"), MalformedCode.StableSeed("samples/x.cs"));
    }
}
